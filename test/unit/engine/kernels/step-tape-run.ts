import { createHash } from 'node:crypto';
import { NetworkSpec, OptimizerSpec } from '../../../../contract/index.js';
import { createLoss } from '../../../../engine/losses.js';
import { buildModel } from '../../../../engine/model.js';
import { createOptimizer, disposeOptimizer } from '../../../../engine/optimizers.js';
import { trainStep } from '../../../../engine/step.js';
import type { TF } from '../../../../engine/tf.js';
import { values } from './backend-pair.js';

/** The benchmark MLP (784-256-128-10, relu, softmax output). */
export const MLP = NetworkSpec.parse({
  inputShape: [784],
  layers: [
    { type: 'dense', units: 256, activation: { name: 'relu' } },
    { type: 'dense', units: 128, activation: { name: 'relu' } },
    { type: 'dense', units: 10, activation: { name: 'softmax' } },
  ],
});

/** A small conv net with dropout and batchNorm (other saved tensors: conv inputs, pool outputs, masks). */
export const CONV = NetworkSpec.parse({
  inputShape: [8, 8, 1],
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, activation: { name: 'relu' } },
    { type: 'batchNorm' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dropout', rate: 0.25 },
    { type: 'dense', units: 16, activation: { name: 'tanh' } },
    { type: 'dense', units: 10, activation: { name: 'softmax' } },
  ],
});

/** What {@link trainHashed} returns. */
export interface HashedRun {
  /** SHA-256 (hex) of every variable's float32 bytes, in model order, after the last step. */
  weights: string;
  /** Per step: loss, then correct count. */
  trace: number[];
}

/**
 * Trains `network` (seed 3, Adam 1e-3, sparse cross-entropy, 10 classes) for `steps` steps of `batch`
 * seeded samples (values() in [-1, 1), labels (k·7 + step) mod 10) with trainStep on the current
 * backend, and hashes the weights. Frees everything.
 */
export async function trainHashed(tf: TF, network: NetworkSpec, steps: number, batch: number): Promise<HashedRun> {
  const model = buildModel(tf, network, { seed: 3 });
  const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'adam', learningRate: 1e-3 }));
  const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 });
  const size = network.inputShape.reduce((a, b) => a * b, 1);
  const trace: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const xb = tf.tensor(values(batch * size, 101 + (i % 5)), [batch, ...network.inputShape]);
      const yb = tf.tensor1d(
        Int32Array.from({ length: batch }, (_, k) => (k * 7 + i) % 10),
        'int32',
      );
      try {
        const r = await trainStep(tf, model, lossFn, optimizer, xb, yb, 500 + i);
        trace.push(r.loss, r.correct);
      } finally {
        tf.dispose([xb, yb]);
      }
    }
    const hash = createHash('sha256');
    for (const v of model.variables) hash.update(Buffer.from((v.dataSync() as Float32Array).slice().buffer));
    return { weights: hash.digest('hex'), trace };
  } finally {
    disposeOptimizer(optimizer);
    model.dispose();
  }
}
