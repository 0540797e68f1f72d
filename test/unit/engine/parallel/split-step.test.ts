import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinDatasetRef, EngineProvenance, NetworkSpec, OptimizerSpec, type MetricPoint, type RunEvent } from '../../../../contract/index.js';
import { generateMnist } from '../../../../engine/datasets/mnist.js';
import { createLoss } from '../../../../engine/losses.js';
import { buildModel, type Model } from '../../../../engine/model.js';
import { createOptimizer } from '../../../../engine/optimizers.js';
import { BatchSplitter, type SplitParts } from '../../../../engine/parallel/batch-splitter.js';
import { GradientPeer, type PeerNetwork } from '../../../../engine/parallel/gradient-peer.js';
import { buildShareNetwork, type ShareNetwork } from '../../../../engine/parallel/share-gradients.js';
import { trainStepSplit } from '../../../../engine/parallel/split-step.js';
import { trainStep } from '../../../../engine/step.js';
import type { TF } from '../../../../engine/tf.js';
import { DEFAULT_ACCELERATORS } from '../../../../engine/accelerators.js';
import { FULL_WASM_KERNELS } from '../../../../engine/kernels/index.js';
import { trainRun } from '../../../../engine/train.js';
import { experiment } from '../helpers.js';
import { maxRelError, wasmBuffers, wasmTf } from '../kernels/backend-pair.js';

let tf: TF;
let peer: GradientPeer;
beforeAll(async () => {
  tf = await wasmTf();
  peer = new GradientPeer('wasm', FULL_WASM_KERNELS);
  expect(await peer.ready).toBe(true);
}, 60_000);
afterAll(async () => {
  await peer.terminate();
});

/** 200 real MNIST digits (the `mnist` package), pixels in [0, 1]. */
const digits = generateMnist(BuiltinDatasetRef.parse({ builtin: 'mnist', samples: 200 }));
const mlp = NetworkSpec.parse({
  inputShape: [784],
  layers: [
    { type: 'dense', units: 48, activation: { name: 'tanh' } },
    { type: 'dense', units: 32, activation: { name: 'leakyRelu', alpha: 0.1 } },
    { type: 'dense', units: 10, activation: { name: 'softmax' } },
  ],
});
/** Every kind of kernel a split step runs: conv (XNNPACK + the patched backprop), max pool, dropout masks, dense GEMMs. */
const convNet = NetworkSpec.parse({
  inputShape: [784],
  layers: [
    { type: 'reshape', targetShape: [28, 28, 1] },
    { type: 'conv2d', filters: 4, kernelSize: 3, activation: { name: 'relu' } },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: 10, activation: { name: 'softmax' } },
  ],
});
const peerNetworkOf = (network: NetworkSpec): PeerNetwork => ({
  network,
  loss: 'sparseCategoricalCrossentropy',
  outputActivation: { name: 'softmax' },
  outputUnits: 10,
  numClasses: 10,
});

/** Samples [start, start + n) of the digits as a host batch. */
function batch(start: number, n: number) {
  return { x: digits.x.slice(start * 784, (start + n) * 784), y: digits.y.slice(start, start + n), n };
}

/** A fresh model, optimizer and loss, identical for the same seed. */
function setup(network: NetworkSpec, optimizer: Record<string, unknown>) {
  const model = buildModel(tf, network, { seed: 5 });
  return {
    model,
    optimizer: createOptimizer(tf, OptimizerSpec.parse(optimizer)),
    lossFn: createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 }),
  };
}
type Setup = ReturnType<typeof setup>;
const dispose = (...setups: Setup[]) => setups.forEach((s) => (s.optimizer.dispose(), s.model.dispose()));

const weightsOf = (model: Model) => model.variables.map((v) => Array.from(v.dataSync() as Float32Array));

/** Second parts on the peer when `usePeer(step)` says so, else on this thread (a local copy of the network). */
function parts(network: NetworkSpec, usePeer: (step: number) => boolean, thePeer: GradientPeer = peer) {
  let step = 0;
  let local: ShareNetwork | null = null;
  const p: SplitParts & { end(): void; peerSteps: number } = {
    peerSteps: 0,
    peerNow: () => (usePeer(step++) ? (p.peerSteps++, thePeer) : null),
    local: () => (local ??= buildShareNetwork(tf, peerNetworkOf(network))),
    end: () => local?.model.dispose(),
  };
  return p;
}

/** One whole-batch step on this thread (the reference). */
async function wholeStep(s: Setup, b: ReturnType<typeof batch>, seed: number) {
  const xb = tf.tensor(b.x, [b.n, 784]);
  const yb = tf.tensor1d(b.y, 'int32');
  try {
    return await trainStep(tf, s.model, s.lossFn, s.optimizer, xb, yb, seed);
  } finally {
    xb.dispose();
    yb.dispose();
  }
}

describe('a batch computed in two parts', () => {
  it('gives the whole batch its loss, accuracy and SGD update to float32 rounding, for an odd batch (19 + 18 samples)', async () => {
    const whole = setup(mlp, { name: 'sgd', learningRate: 0.5 });
    const split = setup(mlp, { name: 'sgd', learningRate: 0.5 });
    const before = weightsOf(whole.model);
    peer.prepare(peerNetworkOf(mlp));
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers(tf);
    const a = await wholeStep(whole, batch(0, 37), 1);
    const b = await trainStepSplit(
      tf,
      split.model,
      split.lossFn,
      split.optimizer,
      parts(mlp, () => true),
      batch(0, 37),
      1,
    );
    expect(b).toMatchObject({ finite: true, onPeer: true, correct: a.correct });
    expect(b.loss).toBeCloseTo(a.loss, 5);
    const after = weightsOf(whole.model);
    weightsOf(split.model).forEach((w, i) => {
      // The update itself (lr · gradient) must agree, not just the weights, which barely move.
      const moved = after[i]!.map((v, j) => v - before[i]![j]!);
      const movedSplit = w.map((v, j) => v - before[i]![j]!);
      expect(Math.max(...moved.map(Math.abs))).toBeGreaterThan(1e-3);
      expect(maxRelError(movedSplit, moved)).toBeLessThan(1e-5);
    });
    dispose(whole, split);
    expect(tf.memory().numTensors).toBe(tensors - 2 * mlp.layers.length * 2);
    expect(wasmBuffers(tf)).toBe(buffers - 2 * mlp.layers.length * 2);
  });

  it('splits a residual network (Fixup, SkipInit, projection) like the whole batch: the same loss and Adam update to float32 rounding', async () => {
    const resnet = NetworkSpec.parse({
      inputShape: [784],
      layers: [
        { type: 'residual', units: 24, skip: 'projection' },
        { type: 'residual', units: 24, init: 'fixup' },
        { type: 'residual', units: 24, init: 'skipInit' },
        { type: 'dense', units: 10, activation: { name: 'softmax' } },
      ],
    });
    const whole = setup(resnet, { name: 'adam', learningRate: 0.01 });
    const split = setup(resnet, { name: 'adam', learningRate: 0.01 });
    const before = weightsOf(whole.model);
    peer.prepare(peerNetworkOf(resnet));
    const p = parts(resnet, () => true);
    const a = await wholeStep(whole, batch(0, 40), 3);
    const b = await trainStepSplit(tf, split.model, split.lossFn, split.optimizer, p, batch(0, 40), 3);
    expect(b).toMatchObject({ finite: true, onPeer: true, correct: a.correct });
    expect(b.loss).toBeCloseTo(a.loss, 5);
    const after = weightsOf(whole.model);
    weightsOf(split.model).forEach((w, i) => {
      const moved = after[i]!.map((v, j) => v - before[i]![j]!);
      const movedSplit = w.map((v, j) => v - before[i]![j]!);
      expect(maxRelError(movedSplit, moved), `variable ${split.model.variables[i]!.name}`).toBeLessThan(1e-4);
    });
    p.end();
    dispose(whole, split);
  });

  it('gives bit-identical weights and losses whether the peer or this thread computes the second part, alternating or after the peer fails', async () => {
    peer.prepare(peerNetworkOf(convNet));
    const failing = { gradients: () => Promise.reject(new Error('peer crashed')) } as unknown as GradientPeer;
    const variants = {
      peer: parts(convNet, () => true),
      thisThread: parts(convNet, () => false),
      alternating: parts(convNet, (step) => step % 2 === 1),
      failingPeer: parts(convNet, () => true, failing),
    };
    const tensors = tf.memory().numTensors;
    const results: Record<string, { losses: number[]; weights: number[][] }> = {};
    for (const [name, p] of Object.entries(variants)) {
      const s = setup(convNet, { name: 'adam', learningRate: 0.003 });
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        const r = await trainStepSplit(tf, s.model, s.lossFn, s.optimizer, p, batch((step * 40) % 160, 40), 100 + step);
        expect(r.onPeer).toBe(name === 'peer' || (name === 'alternating' && step % 2 === 1));
        losses.push(r.loss);
      }
      results[name] = { losses, weights: weightsOf(s.model) };
      p.end();
      dispose(s);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(variants.peer.peerSteps).toBe(6);
    // Training moved the weights (else identity would prove nothing)...
    const fresh = setup(convNet, { name: 'sgd', learningRate: 0.1 });
    expect(maxRelError(results.peer!.weights[1]!, weightsOf(fresh.model)[1]!)).toBeGreaterThan(1e-3);
    dispose(fresh);
    // ...and every variant lands on exactly the same bits.
    for (const name of ['thisThread', 'alternating', 'failingPeer']) {
      expect(results[name]!.losses, name).toEqual(results.peer!.losses);
      results[name]!.weights.forEach((w, i) => expect(w, `${name} variable ${i}`).toEqual(results.peer!.weights[i]));
    }
  }, 60_000);
});

describe('trainRun of a two-part run', () => {
  it('gives bit-identical curves and statistics with no second core, with it, and when the pool grants and takes it back mid-run', async () => {
    const spec = experiment({
      dataset: { builtin: 'mnist', samples: 300 },
      network: convNet,
      train: { epochs: 2, batchSize: 64, optimizer: { name: 'adam', learningRate: 0.003 }, seed: 4, statsEvery: 3, validationSplit: 0.2 },
    });
    const run = async (splitter?: BatchSplitter) => {
      const events: RunEvent[] = [];
      await trainRun(
        tf,
        'r',
        spec,
        (e) => events.push(e),
        () => false,
        undefined,
        undefined,
        splitter,
        undefined,
        { ...DEFAULT_ACCELERATORS, batchSplit: 'always' },
      );
      return events;
    };
    let asked = 0;
    // The layout rule would keep this small net whole (6 · 64 · 12,436 MAC ≈ 4.8 MFLOP): 'always' forces two parts.
    const runs = [
      await run(),
      await run(new BatchSplitter({ backend: 'wasm', kernels: FULL_WASM_KERNELS, coresAllowed: () => 2, startPeer: () => peer })),
      await run(
        new BatchSplitter({
          backend: 'wasm',
          kernels: FULL_WASM_KERNELS,
          coresAllowed: () => (Math.floor(asked++ / 2) % 2 === 0 ? 2 : 1),
          startPeer: () => peer,
        }),
      ),
    ];
    const points = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'progress' ? [{ ...e.point, elapsedMs: 0 } as MetricPoint] : []));
    const stats = (events: RunEvent[]) => events.filter((e) => e.type === 'layerStats');
    const cores = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'progress' ? [e.cores] : []));
    const started = runs[0]!.find((e) => e.type === 'started');
    expect(started?.type === 'started' && EngineProvenance.parse(started.provenance).split.parts).toBe(2);
    expect(points(runs[0]!)).toHaveLength(2);
    expect(cores(runs[0]!)).toEqual([1, 1]);
    expect(cores(runs[1]!)).toEqual([2, 2]);
    expect(stats(runs[0]!).length).toBeGreaterThan(1);
    for (const other of runs.slice(1)) {
      expect(points(other)).toEqual(points(runs[0]!));
      expect(stats(other)).toEqual(stats(runs[0]!));
      expect(other.at(-1)!.type).toBe('finished');
    }
    // The same provenance on every run: where the second part ran is not part of it.
    const provenance = runs.map((events) => events.find((e) => e.type === 'started')).map((e) => e?.type === 'started' && e.provenance);
    expect(provenance[1]).toEqual(provenance[0]);
    expect(provenance[2]).toEqual(provenance[0]);
  }, 120_000);
});
