import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { NetworkSpec } from '../../../contract/index.js';
import { buildLayersModel, exportLayersModel } from '../../../engine/export/layers-model.js';
import { exportOnnxModel } from '../../../main/export/onnx/export-onnx.js';
import { buildOnnxGraph, ONNX_INPUT, ONNX_OUTPUT } from '../../../main/export/onnx/network-graph.js';
import { getBackend } from '../engine/helpers.js';
import { enginePredict, randomizedModel, seededFloats } from './helpers.js';

type Tensor = import('@tensorflow/tfjs').Tensor;

const dense = (extra: Record<string, unknown>) => ({ type: 'residual', units: 6, activation: { name: 'relu' }, ...extra });

/** Every form of the block: both branches, skips, normalisations, inits and output activations (weights randomised). */
const NETWORKS = [
  NetworkSpec.parse({
    name: 'dense-blocks',
    inputShape: [4],
    layers: [
      dense({ skip: 'projection' }),
      dense({ init: 'fixup', activation: { name: 'tanh' } }),
      dense({ init: 'skipInit', postActivation: true }),
      dense({ normalization: 'batchNorm', init: 'fixup' }),
      dense({ normalization: 'batchNorm', init: 'skipInit', useBias: false, activation: { name: 'leakyRelu', alpha: 0.2 } }),
      dense({ skip: 'projection', units: 5, normalization: 'batchNorm' }),
      { type: 'dense', units: 3 },
    ],
  }),
  NetworkSpec.parse({
    name: 'conv-blocks',
    inputShape: [5, 4, 2],
    layers: [
      { type: 'residual', branch: 'conv2d', units: 3, kernelSize: [3, 2], skip: 'projection', init: 'fixup' },
      { type: 'residual', branch: 'conv2d', units: 3, kernelSize: 2, normalization: 'batchNorm', init: 'skipInit', postActivation: true },
      { type: 'residual', branch: 'conv2d', units: 3, kernelSize: 3, activation: { name: 'elu', alpha: 0.5 } },
      { type: 'flatten' },
      { type: 'dense', units: 2 },
    ],
  }),
];

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

describe('residual blocks in the exporters', () => {
  it('tfjs: Add layers named after the blocks, no Lambda; the saved model.json loaded by tf.loadLayersModel equals the engine', async () => {
    const { tf } = await getBackend();
    const start = tf.memory().numTensors;
    for (const network of NETWORKS) {
      const { model, weights } = randomizedModel(tf, network);
      try {
        const batch = 6;
        const x = seededFloats(5)(batch * size(network.inputShape), -2, 2);
        const engine = enginePredict(tf, model, x, batch);
        // Not vacuous: the outputs differ between samples.
        expect(Math.max(...engine) - Math.min(...engine)).toBeGreaterThan(0.01);
        const built = buildLayersModel(tf, network, weights);
        built.dispose();
        const files = await exportLayersModel(tf, network, weights, 'weights.bin', 'InitScope test');
        const topology = JSON.stringify(files.modelJson.modelTopology);
        expect(topology).not.toMatch(/Lambda/);
        const adds = [...topology.matchAll(/"class_name":"Add","config":\{"name":"(residual_\d+)"/g)].map((m) => m[1]);
        expect(adds).toEqual(network.layers.flatMap((l, i) => (l.type === 'residual' ? [`residual_${i}`] : [])));
        const loaded = await tf.loadLayersModel(
          tf.io.fromMemory({
            modelTopology: files.modelJson.modelTopology as object,
            weightSpecs: (files.modelJson.weightsManifest as { weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[])[0]!.weights,
            weightData: files.weightsBin.slice().buffer,
          }),
        );
        const after = tf.tidy(() => (loaded.predict(tf.tensor(x, [batch, ...network.inputShape])) as Tensor).dataSync() as Float32Array);
        loaded.dispose();
        expect(maxAbsDiff(after, engine), network.name).toBeLessThanOrEqual(1e-4);
      } finally {
        model.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('ONNX: one skip Add node per block; onnxruntime-node equals the engine', async () => {
    const { tf } = await getBackend();
    const start = tf.memory().numTensors;
    for (const network of NETWORKS) {
      const { model, weights } = randomizedModel(tf, network);
      try {
        const graph = buildOnnxGraph(network, weights);
        const blocks = network.layers.filter((l) => l.type === 'residual').length;
        const skipAdds = graph.nodes.filter((n) => n.opType === 'Add' && /^residual_\d+\/Add$/.test(n.outputs[0] ?? ''));
        expect(skipAdds.length).toBe(blocks);
        const batch = 6;
        const x = seededFloats(7)(batch * size(network.inputShape), -2, 2);
        const expected = enginePredict(tf, model, x, batch);
        const session = await ort.InferenceSession.create(exportOnnxModel(network, weights, '0.0.0-test'));
        const out = (await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', x, [batch, ...network.inputShape]) }))[ONNX_OUTPUT]!;
        await session.release();
        expect(maxAbsDiff(out.data as Float32Array, expected), network.name).toBeLessThanOrEqual(1e-4);
      } finally {
        model.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('names a missing block weight', async () => {
    const { tf } = await getBackend();
    const network = NETWORKS[0]!;
    const { model, weights } = randomizedModel(tf, network);
    model.dispose();
    const without = weights.filter((w) => w.name !== 'residual_1/fixupScale');
    expect(() => buildOnnxGraph(network, without)).toThrow("ONNX export: layer residual_1 has no stored 'fixupScale' weight");
    expect(() => buildLayersModel(tf, network, without)).toThrow("tfjs export: layer residual_1 has no stored 'fixupScale' weight");
  });
});
