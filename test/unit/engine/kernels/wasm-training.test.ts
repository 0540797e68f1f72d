import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, NetworkSpec, OptimizerSpec, type ActivationName } from '../../../../contract/index.js';
import { createLoss } from '../../../../engine/losses.js';
import { buildModel } from '../../../../engine/model.js';
import { createOptimizer, disposeOptimizer } from '../../../../engine/optimizers.js';
import { trainStep } from '../../../../engine/step.js';
import type { TF } from '../../../../engine/tf.js';
import { onCpu, values, wasmBuffers, wasmTf } from './backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});

const OPTIMIZERS = OptimizerSpec.options.map((o) => o.shape.name.value);
const BATCH = 8;
const INPUT = [6, 6, 2];

/** A network using every layer type the builder offers, with activation `a` wherever a layer takes one. */
function everyLayer(a: ActivationName): NetworkSpec {
  return NetworkSpec.parse({
    inputShape: INPUT,
    layers: [
      { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: { name: a } },
      { type: 'batchNorm' },
      { type: 'activation', activation: { name: a } },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'conv2d', filters: 3, kernelSize: 2, strides: 1, activation: { name: a } },
      { type: 'avgPool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 8, activation: { name: a } },
      { type: 'dropout', rate: 0.25 },
      { type: 'dense', units: 3, activation: { name: 'softmax' } },
    ],
  });
}

/** Losses of `steps` training steps of `network` with optimizer `opt` on the current backend (seeded data). */
async function losses(network: NetworkSpec, opt: string, steps: number): Promise<number[]> {
  const model = buildModel(tf, network, { seed: 5 });
  const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: opt, learningRate: 0.01 }));
  const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 3, numClasses: 3 });
  const out: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const xb = tf.tensor(values(BATCH * 72, 31 + (i % 4)), [BATCH, ...INPUT]);
      const yb = tf.tensor1d(
        Int32Array.from({ length: BATCH }, (_, k) => (k * 7 + i) % 3),
        'int32',
      );
      try {
        const r = await trainStep(tf, model, lossFn, optimizer, xb, yb, 1000 + i);
        expect(r.finite).toBe(true);
        out.push(r.loss);
      } finally {
        tf.dispose([xb, yb]);
      }
    }
  } finally {
    disposeOptimizer(optimizer);
    model.dispose();
  }
  return out;
}

describe('training on patched wasm', () => {
  it('every layer type × activation × optimizer trains on wasm, with the losses of the cpu backend', async () => {
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers(tf);
    let combinations = 0;
    for (const a of ACTIVATION_NAMES) {
      for (const opt of OPTIMIZERS) {
        const network = everyLayer(a);
        const wasm = await losses(network, opt, 3);
        const cpu = await onCpu(tf, () => losses(network, opt, 3));
        for (let i = 0; i < wasm.length; i++) {
          expect(Math.abs((wasm[i] as number) - (cpu[i] as number)), `${a} + ${opt}, step ${i + 1}`).toBeLessThan(
            1e-3 * Math.max(1, Math.abs(cpu[i] as number)),
          );
        }
        // Training moves the loss: the third step's loss differs from the first's.
        expect(wasm[2], `${a} + ${opt}`).not.toBe(wasm[0]);
        combinations++;
      }
    }
    expect(combinations).toBe(ACTIVATION_NAMES.length * OPTIMIZERS.length);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers(tf)).toBe(buffers);
  });

  it('leaves no tensor and no wasm buffer behind after 1,000 steps', async () => {
    const network = NetworkSpec.parse({
      inputShape: [5, 5, 1],
      layers: [
        { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same', activation: { name: 'relu' } },
        { type: 'maxPool2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 4, activation: { name: 'tanh' } },
        { type: 'dense', units: 3, activation: { name: 'softmax' } },
      ],
    });
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers(tf);
    const model = buildModel(tf, network, { seed: 2 });
    const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'adam', learningRate: 0.01 }));
    const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 3, numClasses: 3 });
    const xb = tf.tensor(values(4 * 25, 3), [4, 5, 5, 1]);
    const yb = tf.tensor1d([0, 1, 2, 1], 'int32');
    const during: number[] = [];
    let first = 0;
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const r = await trainStep(tf, model, lossFn, optimizer, xb, yb, i);
      if (i === 0) first = r.loss;
      last = r.loss;
      if (i === 10 || i === 999) during.push(tf.memory().numTensors, wasmBuffers(tf));
    }
    // Steady state: the counts at step 11 and step 1,000 are equal (nothing accumulates per step).
    expect(during.slice(0, 2)).toEqual(during.slice(2));
    expect(last).toBeLessThan(first);
    tf.dispose([xb, yb]);
    disposeOptimizer(optimizer);
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers(tf)).toBe(buffers);
  });
});
