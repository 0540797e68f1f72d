import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../../contract/index.js';
import { exportOnnxModel } from '../../../main/export/onnx/export-onnx.js';
import { ONNX_INPUT, ONNX_OUTPUT } from '../../../main/export/onnx/network-graph.js';
import { getBackend } from '../engine/helpers.js';
import { convNetwork, denseNetwork, enginePredict, everyActivation, randomizedModel, seededFloats } from './helpers.js';

/** Runs the exported bytes in onnxruntime-node and returns the output next to the engine's. */
async function compare(network: NetworkSpec, batch: number, inputScale: number) {
  const { tf } = await getBackend();
  const { model, weights } = randomizedModel(tf, network);
  try {
    const x = seededFloats(11)(batch * network.inputShape.reduce((a, b) => a * b, 1), -inputScale, inputScale);
    const expected = enginePredict(tf, model, x, batch);
    const session = await ort.InferenceSession.create(exportOnnxModel(network, weights, '0.0.0-test'));
    const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', x, [batch, ...network.inputShape]) });
    const out = result[ONNX_OUTPUT]!;
    await session.release();
    return { expected, actual: out.data as Float32Array, dims: [...out.dims] };
  } finally {
    model.dispose();
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('ONNX export run in onnxruntime-node matches the engine', () => {
  let startTensors = -1;
  afterAll(async () => {
    const { tf } = await getBackend();
    if (startTensors >= 0) expect(tf.memory().numTensors).toBe(startTensors);
  });

  it.each(everyActivation().map((a) => [a.name, a] as const))('dense + %s', async (_name, activation) => {
    const { tf } = await getBackend();
    if (startTensors < 0) startTensors = tf.memory().numTensors;
    // Inputs up to ±4 reach the saturating and negative regions of every activation.
    const { expected, actual, dims } = await compare(denseNetwork(activation), 16, 4);
    expect(dims).toEqual([16, 3]);
    expect(actual.length).toBe(expected.length);
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-4);
    // The comparison is not vacuous: the outputs vary across samples.
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.05);
  });

  it('conv2d (same/valid, strided, no bias), batchNorm, pooling, flatten, dropout, standalone activations', async () => {
    const { expected, actual, dims } = await compare(convNetwork(), 5, 2);
    expect(dims).toEqual([5, 3]);
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-4);
    // softmax rows sum to one, so the graph really ends in a softmax over the last axis
    for (let r = 0; r < 5; r++) expect(actual.slice(r * 3, r * 3 + 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('a convolutional output (no flatten) comes back channels-last like the engine', async () => {
    const { NetworkSpec } = await import('../../../contract/index.js');
    const network = NetworkSpec.parse({
      inputShape: [5, 4, 3],
      layers: [
        { type: 'conv2d', filters: 2, kernelSize: 2, padding: 'same', activation: { name: 'tanh' } },
        { type: 'batchNorm' },
        { type: 'activation', activation: { name: 'softmax' } },
      ],
    });
    const { expected, actual, dims } = await compare(network, 2, 1);
    expect(dims).toEqual([2, 5, 4, 2]);
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-4);
  });
});
