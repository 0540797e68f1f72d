import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkSpec, OptimizerSpec } from '../contract/index.js';
import { createLoss } from '../engine/losses.js';
import { buildModel } from '../engine/model.js';
import { createOptimizer, disposeOptimizer } from '../engine/optimizers.js';
import type { GradientPeer } from '../engine/parallel/gradient-peer.js';
import { buildShareNetwork, type ShareNetwork } from '../engine/parallel/share-gradients.js';
import { trainStepSplit } from '../engine/parallel/split-step.js';
import { trainStep } from '../engine/step.js';
import type { TF } from '../engine/tf.js';
import { loadMnistDigits, MNIST_PIXELS } from '../engine/datasets/mnist.js';

/** Samples per training step in every measurement. */
export const BATCH = 128;
/** Distinct random batches cycled through (data do not change throughput). */
const POOL = 8;

/** Training batches for a step loop: rows of the input, row-major, and their labels 0–9. */
export interface BatchPool {
  xs: Float32Array;
  ys: Int32Array;
}

/**
 * POOL·BATCH real MNIST digits from the built-in set (classes interleaved: row r is a digit r mod 10),
 * [POOL·BATCH, 784] pixels in [0, 1] (~81 % exact zeros), with their labels.
 */
export function mnistPool(): BatchPool {
  const digits = loadMnistDigits();
  const xs = new Float32Array(POOL * BATCH * MNIST_PIXELS);
  const ys = new Int32Array(POOL * BATCH);
  for (let r = 0; r < POOL * BATCH; r++) {
    const cls = r % 10;
    digits.copyDigit(cls, Math.floor(r / 10) % (digits.counts[cls] as number), xs, r * MNIST_PIXELS);
    ys[r] = r % 10;
  }
  return { xs, ys };
}

/** The two benchmark networks, as the product's builder would describe them. */
export const NETWORKS = {
  /** 784-256-128-10 MLP, relu, softmax output. */
  mlp: NetworkSpec.parse({
    inputShape: [784],
    layers: [
      { type: 'dense', units: 256, activation: { name: 'relu' } },
      { type: 'dense', units: 128, activation: { name: 'relu' } },
      { type: 'dense', units: 10, activation: { name: 'softmax' } },
    ],
  }),
  /** conv 3×3×32 (relu) → maxpool 2 → flatten → dense 10 (softmax), 28×28×1 input. */
  conv: NetworkSpec.parse({
    inputShape: [28, 28, 1],
    layers: [
      { type: 'conv2d', filters: 32, kernelSize: 3, activation: { name: 'relu' } },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: { name: 'softmax' } },
    ],
  }),
} as const;
export type Workload = keyof typeof NETWORKS;

/** Seeded uniform [0, 1) values (xorshift32), so every backend sees the same data. */
export function randomData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 4294967296;
  }
  return out;
}

/** Result of one timed measurement. */
export interface Measurement {
  samplesPerSec: number;
  steps: number;
}

/**
 * Trains `workload` with the engine's own custom loop (buildModel + trainStep, Adam lr 1e-3, batch
 * `batch`, default 128, a fresh input tensor per step as trainRun does) on the CURRENT backend: 2 warm-up steps,
 * then steps until `seconds` have passed (at least 2). With `peer`, every step is split across two
 * cores (trainStepSplit: the second half on the peer, as a two-part run alone in the app does). Frees everything, also on failure.
 * @returns samples per second of the timed steps
 */
export async function measureCustomLoop(
  tf: TF,
  workload: Workload,
  seconds: number,
  batch = BATCH,
  peer?: GradientPeer,
  data?: BatchPool,
): Promise<Measurement> {
  return measureNetwork(tf, NETWORKS[workload], seconds, batch, peer, data);
}

/**
 * measureCustomLoop for any network with 10 output classes (random inputs in [0, 1), labels 0–9).
 * @param network input shape and layers; the last layer must have 10 units
 * @param data the batches to cycle through (POOL·batch rows, e.g. {@link mnistPool}); random when absent
 */
export async function measureNetwork(
  tf: TF,
  network: NetworkSpec,
  seconds: number,
  batch = BATCH,
  peer?: GradientPeer,
  data?: BatchPool,
): Promise<Measurement> {
  const rowSize = network.inputShape.reduce((a, b) => a * b, 1);
  if (data && (data.xs.length < POOL * batch * rowSize || data.ys.length < POOL * batch))
    throw new Error(`bench: data pool holds fewer than ${POOL}·${batch} rows of ${rowSize}`);
  const xs = data?.xs ?? randomData(POOL * batch * rowSize, 7);
  const ys = data?.ys ?? Int32Array.from(randomData(POOL * batch, 11), (v) => Math.floor(v * 10));
  const model = buildModel(tf, network, { seed: 1 });
  const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'adam', learningRate: 1e-3 }));
  const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 });
  const peerNetwork = { network, loss: 'sparseCategoricalCrossentropy' as const, outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 };
  peer?.prepare(peerNetwork);
  let local: ShareNetwork | null = null;
  const parts = { peerNow: () => peer ?? null, local: () => (local ??= buildShareNetwork(tf, peerNetwork)) };
  const step = async (i: number) => {
    const k = i % POOL;
    const x = xs.subarray(k * batch * rowSize, (k + 1) * batch * rowSize);
    const y = ys.subarray(k * batch, (k + 1) * batch);
    if (peer) {
      await trainStepSplit(tf, model, lossFn, optimizer, parts, { x, y, n: batch }, i, {});
      return;
    }
    const xb = tf.tensor(x, [batch, ...network.inputShape], 'float32');
    const yb = tf.tensor1d(y, 'int32');
    try {
      await trainStep(tf, model, lossFn, optimizer, xb, yb, i);
    } finally {
      xb.dispose();
      yb.dispose();
    }
  };
  try {
    for (let i = 0; i < 2; i++) await step(i);
    let n = 0;
    const t0 = performance.now();
    while (n < 2 || performance.now() - t0 < seconds * 1000) await step(n++);
    return { samplesPerSec: (n * batch) / ((performance.now() - t0) / 1000), steps: n };
  } finally {
    peer?.release();
    disposeOptimizer(optimizer);
    model.dispose();
  }
}

/**
 * The same network and optimizer trained with tf.layers' `model.fit` (one epoch over
 * `steps`·128 samples, batch 128, no validation) on the current backend, after a 2-batch warm-up fit.
 */
export async function measureModelFit(tf: TF, workload: Workload, steps: number): Promise<Measurement> {
  const network = NETWORKS[workload];
  const rowSize = network.inputShape.reduce((a, b) => a * b, 1);
  const model = tf.sequential();
  if (workload === 'mlp') {
    model.add(tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }));
    model.add(tf.layers.dense({ units: 128, activation: 'relu' }));
  } else {
    model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
  }
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const n = steps * BATCH;
  const x = tf.tensor(randomData(n * rowSize, 7), [n, ...network.inputShape], 'float32');
  const y = tf.tensor2d(
    Float32Array.from(randomData(n, 11), (v) => Math.floor(v * 10)),
    [n, 1],
  );
  try {
    const warm = [tf.slice(x, 0, 2 * BATCH), tf.slice(y, 0, 2 * BATCH)] as const;
    await model.fit(warm[0], warm[1], { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
    tf.dispose([...warm]);
    const t0 = performance.now();
    await model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
    return { samplesPerSec: n / ((performance.now() - t0) / 1000), steps };
  } finally {
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose(); // model.dispose() does not free an optimizer passed to compile()
  }
}

/**
 * Writes `pool` for bench/torch_bench.py's `data` request: the xs as raw float32, then the labels as
 * float32 (one file, native byte order). @returns the file's path (in the OS temp folder)
 */
export function writeTorchData(pool: BatchPool): string {
  const path = join(tmpdir(), `initscope-bench-mnist-${process.pid}.f32`);
  const all = new Float32Array(pool.xs.length + pool.ys.length);
  all.set(pool.xs);
  all.set(Float32Array.from(pool.ys), pool.xs.length);
  writeFileSync(path, new Uint8Array(all.buffer));
  return path;
}
