import { beforeAll, describe, expect, it } from 'vitest';
import { NetworkSpec, OptimizerSpec } from '../../../contract/index.js';
import { createLoss, type LossFunction } from '../../../engine/losses.js';
import { buildModel, type Model } from '../../../engine/model.js';
import { createOptimizer, disposeOptimizer } from '../../../engine/optimizers.js';
import { Random } from '../../../engine/random.js';
import { trainStep } from '../../../engine/step.js';
import type { Tensor, TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

/** A conv net like the one whose missing Conv2DBackpropFilter kernel leaked on stock wasm (with a batchNorm state update). */
const network = NetworkSpec.parse({
  inputShape: [36],
  layers: [
    { type: 'reshape', targetShape: [6, 6, 1] },
    { type: 'conv2d', filters: 3, kernelSize: 3, activation: { name: 'relu' } },
    { type: 'batchNorm' },
    { type: 'maxPool2d' },
    { type: 'flatten' },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 2, activation: { name: 'softmax' } },
  ],
});

/** Identity whose gradient throws, as a kernel without a working backward implementation would. */
function failingBackward(x: Tensor): Tensor {
  const op = tf.customGrad((...args: (Tensor | unknown)[]) => ({
    value: tf.clone(args[0] as Tensor),
    gradFunc: () => {
      throw new Error('forced: this kernel has no backward pass');
    },
  }));
  return op(x) as Tensor;
}

/** Loss variants that fail inside tf.variableGrads, after the forward pass has saved tensors for the backward pass. */
function failingLosses(base: LossFunction): Record<string, LossFunction> {
  return {
    backward: {
      ...base,
      // The loss's own kernels differentiate fine; the failure strikes between the loss and the network.
      loss: (r, labels) => base.loss({ output: failingBackward(r.output), logits: failingBackward(r.logits) }, labels),
    },
    forward: {
      ...base,
      loss: (r, labels) => {
        base.loss(r, labels);
        throw new Error('forced: the loss kernel failed');
      },
    },
  };
}

const snapshot = (model: Model) => model.layers.flatMap((l) => l.params.map((p) => Array.from(p.variable.dataSync())));

describe('trainStep when a kernel throws inside tf.variableGrads', () => {
  it('rethrows, applies nothing and frees every tensor (numTensors back to its start); the next step works', async () => {
    const model = buildModel(tf, network, { seed: 3 });
    const base = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 2, numClasses: 2 });
    const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'sgd', learningRate: 0.1 }));
    const rng = new Random(1);
    const xb = tf.tensor(
      Float32Array.from({ length: 8 * 36 }, () => rng.normal()),
      [8, 36],
    );
    const yb = tf.tensor1d([0, 1, 0, 1, 1, 0, 1, 0], 'int32');
    try {
      const start = tf.memory().numTensors;
      const before = snapshot(model);
      for (const [kind, lossFn] of Object.entries(failingLosses(base))) {
        await expect(trainStep(tf, model, lossFn, optimizer, xb, yb, 7), kind).rejects.toThrow(/^forced: /);
        // Counts the tape's saved tensors, the forward result and batchNorm's pending state update.
        expect(tf.memory().numTensors, `${kind} failure leaked tensors`).toBe(start);
        expect(snapshot(model), kind).toEqual(before);
      }
      // tfjs's tape is left clean: a normal step computes, updates and still frees everything.
      const ok = await trainStep(tf, model, base, optimizer, xb, yb, 7);
      expect(ok.finite).toBe(true);
      expect(ok.loss).toBeGreaterThan(0);
      expect(snapshot(model)).not.toEqual(before);
      expect(tf.memory().numTensors).toBe(start);
    } finally {
      xb.dispose();
      yb.dispose();
      disposeOptimizer(optimizer);
      model.dispose();
    }
  });
});
