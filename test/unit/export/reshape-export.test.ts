import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { NetworkSpec } from '../../../contract/index.js';
import { buildLayersModel, exportLayersModel } from '../../../engine/export/layers-model.js';
import { computeReferenceOutputs } from '../../../engine/export/reference.js';
import { exportOnnxModel } from '../../../main/export/onnx/export-onnx.js';
import { buildOnnxGraph, ONNX_INPUT, ONNX_LAYER_TYPES, ONNX_OUTPUT } from '../../../main/export/onnx/network-graph.js';
import { getBackend } from '../engine/helpers.js';
import { enginePredict, randomizedModel, seededFloats } from './helpers.js';

/** Flat input reshaped to an image, convolved, normalised, reshaped twice more (the ONNX graph is NCHW in between). */
const flatToImage = NetworkSpec.parse({
  name: 'reshape-flat-to-image',
  inputShape: [12],
  layers: [
    { type: 'dense', units: 24, activation: { name: 'tanh' } },
    { type: 'reshape', targetShape: [2, 4, 3] },
    { type: 'conv2d', filters: 2, kernelSize: 2, padding: 'same', activation: { name: 'relu' } },
    { type: 'batchNorm' },
    { type: 'reshape', targetShape: [4, 2, 2] },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'reshape', targetShape: [4] },
    { type: 'dense', units: 3 },
  ],
});

/** An image reshaped to rank 2 (a softmax over its last axis sees the engine's row-major rows), then flat. */
const imageToMatrix = NetworkSpec.parse({
  name: 'reshape-image-to-matrix',
  inputShape: [4, 4, 2],
  layers: [
    { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: { name: 'tanh' } },
    { type: 'reshape', targetShape: [8, 6] },
    { type: 'activation', activation: { name: 'softmax' } },
    { type: 'reshape', targetShape: [48] },
    { type: 'dense', units: 3, activation: { name: 'softmax' } },
  ],
});

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

describe('reshape in the exporters', () => {
  it('ONNX: a Reshape node with an int64 [-1, ...targetShape] initializer; onnxruntime matches the engine', async () => {
    const { tf } = await getBackend();
    const start = tf.memory().numTensors;
    expect(ONNX_LAYER_TYPES).toContain('reshape');
    for (const network of [flatToImage, imageToMatrix]) {
      const { model, weights } = randomizedModel(tf, network);
      try {
        const graph = buildOnnxGraph(network, weights);
        const reshapes = graph.nodes.filter((n) => n.opType === 'Reshape');
        const targets = network.layers.flatMap((l) => (l.type === 'reshape' ? [l.targetShape] : []));
        expect(reshapes.length).toBe(targets.length);
        reshapes.forEach((node, i) => {
          const shape = graph.initializers.find((t) => t.name === node.inputs[1]);
          expect(shape?.values).toBeInstanceOf(BigInt64Array);
          expect(Array.from(shape!.values as BigInt64Array, Number)).toEqual([-1, ...targets[i]!]);
        });
        const batch = 5;
        const x = seededFloats(21)(batch * size(network.inputShape), -2, 2);
        const expected = enginePredict(tf, model, x, batch);
        const session = await ort.InferenceSession.create(exportOnnxModel(network, weights, '0.0.0-test'));
        const out = (await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', x, [batch, ...network.inputShape]) }))[ONNX_OUTPUT]!;
        await session.release();
        expect([...out.dims]).toEqual([batch, 3]);
        expect(maxAbsDiff(out.data as Float32Array, expected), network.name).toBeLessThanOrEqual(1e-4);
        // Not vacuous: the outputs differ between samples.
        expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.01);
      } finally {
        model.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('ONNX: a wrong element order would show — transposing instead of reshaping changes the output', async () => {
    const { tf } = await getBackend();
    const { model, weights } = randomizedModel(tf, imageToMatrix);
    try {
      const reference = computeReferenceOutputs(tf, imageToMatrix, weights, 3, 7);
      // A channels-first reshape (what a graph that forgot to go back to NHWC would compute) differs.
      const wrong = tf.tidy(() => {
        const xs = tf.tensor(reference.inputs.flat(), [3, 4, 4, 2]);
        const conv = model.forward(xs, { training: false, collectActivations: true }).activations![0]!;
        const nchw = tf.reshape(tf.transpose(conv, [0, 3, 1, 2]), [3, 8, 6]);
        return tf
          .sub(nchw, tf.reshape(conv, [3, 8, 6]))
          .abs()
          .max()
          .dataSync()[0]!;
      });
      expect(wrong).toBeGreaterThan(0.01);
      const session = await ort.InferenceSession.create(exportOnnxModel(imageToMatrix, weights, '0.0.0-test'));
      const out = (await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', Float32Array.from(reference.inputs.flat()), [3, 4, 4, 2]) }))[ONNX_OUTPUT]!;
      await session.release();
      expect(maxAbsDiff(out.data as Float32Array, Float32Array.from(reference.outputs.flat()))).toBeLessThanOrEqual(1e-4);
    } finally {
      model.dispose();
    }
  });

  it('tfjs: Keras Reshape layers; the saved model predicts like the engine', async () => {
    const { tf } = await getBackend();
    const start = tf.memory().numTensors;
    for (const network of [flatToImage, imageToMatrix]) {
      const { model, weights } = randomizedModel(tf, network);
      try {
        const batch = 4;
        const x = seededFloats(8)(batch * size(network.inputShape), -2, 2);
        const engine = enginePredict(tf, model, x, batch);
        const built = buildLayersModel(tf, network, weights);
        const predicted = tf.tidy(
          () => (built.predict(tf.tensor(x, [batch, ...network.inputShape])) as import('@tensorflow/tfjs').Tensor).dataSync() as Float32Array,
        );
        built.dispose();
        expect(maxAbsDiff(predicted, engine), network.name).toBeLessThanOrEqual(1e-5);
        const files = await exportLayersModel(tf, network, weights, 'weights.bin', 'InitScope test');
        const topology = JSON.stringify(files.modelJson.modelTopology);
        const reshapeLayers = topology.match(/"class_name":"Reshape"/g) ?? [];
        expect(reshapeLayers.length).toBe(network.layers.filter((l) => l.type === 'reshape').length);
        const loaded = await tf.loadLayersModel(
          tf.io.fromMemory({
            modelTopology: files.modelJson.modelTopology as object,
            weightSpecs: (files.modelJson.weightsManifest as { weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[])[0]!.weights,
            weightData: files.weightsBin.slice().buffer,
          }),
        );
        const after = tf.tidy(
          () => (loaded.predict(tf.tensor(x, [batch, ...network.inputShape])) as import('@tensorflow/tfjs').Tensor).dataSync() as Float32Array,
        );
        loaded.dispose();
        expect(Array.from(after)).toEqual(Array.from(predicted));
      } finally {
        model.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(start);
  });
});
