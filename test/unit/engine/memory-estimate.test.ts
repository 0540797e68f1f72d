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
