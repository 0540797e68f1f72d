import { beforeAll, describe, expect, it } from 'vitest';
import { estimateTrainingMemory, NetworkSpec, OptimizerSpec } from '../../../contract/index.js';
import { buildModel } from '../../../engine/model.js';
import { createOptimizer } from '../../../engine/optimizers.js';
import type { Tensor, TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

// A small conv net with every kind of layer that owns values: conv, batchNorm (trainable and moving statistics), dense.
const network = NetworkSpec.parse({
  inputShape: [6, 6, 2],
  layers: [
    { type: 'conv2d', filters: 3, kernelSize: 3, activation: { name: 'relu' } },
    { type: 'batchNorm' },
    { type: 'maxPool2d' },
    { type: 'flatten' },
    { type: 'dense', units: 4, activation: { name: 'tanh' } },
    { type: 'dense', units: 2, activation: { name: 'softmax' } },
  ],
});

describe('memory estimate against what tfjs allocates', () => {
  it('counts the values of every variable and every layer output of the built model', () => {
    const batch = 5;
    const estimate = estimateTrainingMemory(network, { batchSize: batch, probeSize: 1, optimizer: { name: 'adam' } });
    const before = tf.memory().numBytes;
    const model = buildModel(tf, network, { seed: 1 });
    // Every variable, trainable or not (batchNorm's moving mean and variance), is float32.
    expect(tf.memory().numBytes - before).toBe(estimate.weightBytes);
    const x = tf.randomNormal([batch, 6, 6, 2]);
    try {
      expect(model.paramCount).toBe(estimate.params);
      const trainableValues = model.variables.reduce((n, v) => n + v.size, 0);
      expect(trainableValues).toBe(estimate.params);
      const outputs = tf.tidy(() => {
        const result = model.forward(x, { training: true, collectActivations: true });
        return result.activations!.map((a: Tensor) => a.size / batch);
      });
      const perSample = 6 * 6 * 2 + outputs.reduce((n, size) => n + 2 * size, 0);
      expect(estimate.activationsPerSample).toBe(perSample);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('counts Adam as two float32 slots per trainable parameter, as the engine allocates them', () => {
    const model = buildModel(tf, network, { seed: 2 });
    const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'adam' }));
    try {
      const grads: Record<string, Tensor> = {};
      for (const v of model.variables) grads[v.name] = tf.onesLike(v);
      const before = tf.memory().numBytes;
      optimizer.applyGradients(grads);
      const slotBytes = tf.memory().numBytes - before;
      for (const g of Object.values(grads)) g.dispose();
      const estimate = estimateTrainingMemory(network, { batchSize: 1, probeSize: 1, optimizer: { name: 'adam' } });
      expect(slotBytes).toBe(estimate.optimizerBytes);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
});

describe('memory estimate of residual blocks', () => {
  const resnet = NetworkSpec.parse({
    inputShape: [6],
    layers: [
      { type: 'residual', units: 8, skip: 'projection', normalization: 'batchNorm' },
      { type: 'residual', units: 8, init: 'fixup' },
      { type: 'residual', units: 8, init: 'skipInit' },
      { type: 'dense', units: 2 },
    ],
  });

  it('counts every variable of the blocks (moving statistics included) and their kept intermediates', () => {
    const estimate = estimateTrainingMemory(resnet, { batchSize: 3, probeSize: 1, optimizer: { name: 'sgd' } });
    const before = tf.memory().numBytes;
    const model = buildModel(tf, resnet, { seed: 1 });
    try {
      expect(tf.memory().numBytes - before).toBe(estimate.weightBytes);
      expect(model.variables.reduce((n, v) => n + v.size, 0)).toBe(estimate.params);
      // Block 0: 2 + layer 1, activation, layer 2 + two norms + projection = 8 tensors of 8; blocks 1 and 2: 5 of 8; dense: 2 of 2.
      expect(estimate.activationsPerSample).toBe(6 + 8 * 8 + 5 * 8 + 5 * 8 + 2 * 2);
    } finally {
      model.dispose();
    }
  });
});
