import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinDatasetRef, NetworkSpec, OptimizerSpec, type RunEvent } from '../../../../contract/index.js';
import { generateMnist } from '../../../../engine/datasets/mnist.js';
import { createLoss } from '../../../../engine/losses.js';
import { buildModel, type Model } from '../../../../engine/model.js';
import { createOptimizer } from '../../../../engine/optimizers.js';
import { BatchSplitter } from '../../../../engine/parallel/batch-splitter.js';
import { GradientPeer } from '../../../../engine/parallel/gradient-peer.js';
import { trainStepSplit } from '../../../../engine/parallel/split-step.js';
import { trainStep } from '../../../../engine/step.js';
import type { TF } from '../../../../engine/tf.js';
import { trainRun } from '../../../../engine/train.js';
import { experiment } from '../helpers.js';
import { maxRelError, wasmBuffers, wasmTf } from '../kernels/backend-pair.js';

let tf: TF;
let peer: GradientPeer;
beforeAll(async () => {
  tf = await wasmTf();
  peer = new GradientPeer('wasm');
  expect(await peer.ready).toBe(true);
}, 60_000);
afterAll(async () => {
  await peer.terminate();
});

/** 200 real MNIST digits (the `mnist` package), pixels in [0, 1]. */
const digits = generateMnist(BuiltinDatasetRef.parse({ builtin: 'mnist', samples: 200 }));
const network = NetworkSpec.parse({
  inputShape: [784],
  layers: [
    { type: 'dense', units: 48, activation: { name: 'tanh' } },
    { type: 'dense', units: 32, activation: { name: 'leakyRelu', alpha: 0.1 } },
    { type: 'dense', units: 10, activation: { name: 'softmax' } },
  ],
});
const peerNetwork = { network, loss: 'sparseCategoricalCrossentropy' as const, outputActivation: { name: 'softmax' as const }, outputUnits: 10, numClasses: 10 };

/** Samples [start, start + n) of the digits as a host batch. */
function batch(start: number, n: number) {
  return { x: digits.x.slice(start * 784, (start + n) * 784), y: digits.y.slice(start, start + n), n };
}

/** A fresh model, optimizer and loss, identical for the same seed. */
function setup(optimizer: Record<string, unknown>) {
  const model = buildModel(tf, network, { seed: 5 });
  return {
    model,
    optimizer: createOptimizer(tf, OptimizerSpec.parse(optimizer)),
    lossFn: createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 }),
  };
}

const weightsOf = (model: Model) => model.variables.map((v) => v.dataSync() as Float32Array);

/** One whole-batch step on this thread (the reference). */
async function wholeStep(s: ReturnType<typeof setup>, b: ReturnType<typeof batch>, seed: number) {
  const xb = tf.tensor(b.x, [b.n, 784]);
  const yb = tf.tensor1d(b.y, 'int32');
  try {
    return await trainStep(tf, s.model, s.lossFn, s.optimizer, xb, yb, seed);
  } finally {
    xb.dispose();
    yb.dispose();
  }
}

describe('a batch split across two cores (gradient peer thread)', () => {
  it('gives the whole batch its loss, accuracy and SGD update, for an odd batch (19 + 18 samples)', async () => {
    const whole = setup({ name: 'sgd', learningRate: 0.5 });
    const split = setup({ name: 'sgd', learningRate: 0.5 });
    const before = weightsOf(whole.model);
    peer.prepare(peerNetwork);
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers(tf);
    const a = await wholeStep(whole, batch(0, 37), 1);
    const b = await trainStepSplit(tf, split.model, split.lossFn, split.optimizer, peer, batch(0, 37), 1);
    expect(b.finite).toBe(true);
    expect(b.loss).toBeCloseTo(a.loss, 5);
    expect(b.correct).toBe(a.correct);
    const after = weightsOf(whole.model);
    weightsOf(split.model).forEach((w, i) => {
      // The update itself (lr · gradient) must agree, not just the weights, which barely move.
      const moved = after[i]!.map((v, j) => v - before[i]![j]!);
      const movedSplit = w.map((v, j) => v - before[i]![j]!);
      expect(Math.max(...moved.map(Math.abs))).toBeGreaterThan(1e-3);
      expect(maxRelError(movedSplit, moved)).toBeLessThan(1e-5);
    });
    for (const s of [whole, split]) {
      s.optimizer.dispose();
      s.model.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors - 2 * network.layers.length * 2);
    expect(wasmBuffers(tf)).toBe(buffers - 2 * network.layers.length * 2);
  });

  it('tracks a one-core Adam run over 15 steps of 64 digits', async () => {
    const whole = setup({ name: 'adam', learningRate: 0.003 });
    const split = setup({ name: 'adam', learningRate: 0.003 });
    peer.prepare(peerNetwork);
    const losses: [number, number][] = [];
    for (let step = 0; step < 15; step++) {
      const b = batch((step * 64) % 136, 64);
      const a = await wholeStep(whole, b, step);
      const c = await trainStepSplit(tf, split.model, split.lossFn, split.optimizer, peer, b, step);
      losses.push([a.loss, c.loss]);
    }
    // Training happens (the loss falls) and both follow the same trajectory.
    expect(losses.at(-1)![0]).toBeLessThan(losses[0]![0] * 0.7);
    for (const [a, c] of losses) expect(Math.abs(a - c)).toBeLessThan(1e-4 * Math.max(1, a));
    const w = weightsOf(whole.model);
    weightsOf(split.model).forEach((v, i) => expect(maxRelError(v, w[i]!)).toBeLessThan(1e-4));
    for (const s of [whole, split]) {
      s.optimizer.dispose();
      s.model.dispose();
    }
  });

  it('trains the step on this thread alone when the peer fails', async () => {
    const whole = setup({ name: 'sgd', learningRate: 0.5 });
    const split = setup({ name: 'sgd', learningRate: 0.5 });
    const failing = { gradients: () => Promise.reject(new Error('peer crashed')) } as unknown as GradientPeer;
    const tensors = tf.memory().numTensors;
    const a = await wholeStep(whole, batch(40, 50), 3);
    const b = await trainStepSplit(tf, split.model, split.lossFn, split.optimizer, failing, batch(40, 50), 3);
    expect(b.loss).toBe(a.loss);
    const w = weightsOf(whole.model);
    weightsOf(split.model).forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(w[i]!)));
    expect(tf.memory().numTensors).toBe(tensors);
    for (const s of [whole, split]) {
      s.optimizer.dispose();
      s.model.dispose();
    }
  });
});

describe('trainRun with a batch splitter', () => {
  it('gives the numbers of a one-core run, also when the second core comes and goes mid-run', async () => {
    const spec = experiment({
      dataset: { builtin: 'mnist', samples: 400 },
      network: { inputShape: [784], layers: [{ type: 'dense', units: 32, activation: { name: 'relu' } }, { type: 'dense', units: 10, activation: { name: 'softmax' } }] },
      train: { epochs: 2, batchSize: 64, optimizer: { name: 'adam', learningRate: 0.003 }, seed: 4, statsEvery: 3 },
    });
    const run = async (splitter?: BatchSplitter) => {
      const events: RunEvent[] = [];
      await trainRun(tf, 'r', spec, (e) => events.push(e), () => false, undefined, undefined, splitter);
      return events;
    };
    const oneCore = await run();
    // The pool's grant alternates every two steps; the threshold is dropped so this small net splits.
    let asked = 0;
    let usedPeer = 0;
    process.env.INITSCOPE_BATCH_SPLIT = '1';
    const splitter = new BatchSplitter({ backend: 'wasm', coresAllowed: () => (Math.floor(asked++ / 2) % 2 === 0 ? 2 : 1), startPeer: () => peer });
    const forRun = splitter.forRun.bind(splitter);
    splitter.forRun = (...args) => {
      const split = forRun(...args);
      if (!split) return null;
      return { ...split, peerNow: () => { const p = split.peerNow(); if (p) usedPeer++; return p; } };
    };
    let twoCores: RunEvent[];
    try {
      twoCores = await run(splitter);
    } finally {
      delete process.env.INITSCOPE_BATCH_SPLIT;
    }
    expect(usedPeer).toBeGreaterThan(2);
    const progress = (events: RunEvent[]) => events.filter((e) => e.type === 'progress').map((e) => (e as Extract<RunEvent, { type: 'progress' }>).point);
    const [p1, p2] = [progress(oneCore), progress(twoCores)];
    expect(p2).toHaveLength(2);
    p1.forEach((point, i) => {
      expect(p2[i]!.trainLoss).toBeCloseTo(point.trainLoss!, 4);
      expect(p2[i]!.valLoss).toBeCloseTo(point.valLoss!, 4);
      expect(p2[i]!.trainAcc).toBeCloseTo(point.trainAcc!, 2);
    });
    expect(twoCores.filter((e) => e.type === 'layerStats')).toHaveLength(oneCore.filter((e) => e.type === 'layerStats').length);
    expect(twoCores.at(-1)!.type).toBe('finished');
  }, 60_000);
});
