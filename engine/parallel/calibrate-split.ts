import { NetworkSpec, OptimizerSpec, type SplitCalibration, type SplitCalibrationKey, type SplitCalibrationPoint } from '../../contract/index.js';
import { initBackend } from '../backend.js';
import { FULL_WASM_KERNELS, type WasmKernelSet } from '../kernels/index.js';
import { createLoss } from '../losses.js';
import { buildModel } from '../model.js';
import { createOptimizer, disposeOptimizer } from '../optimizers.js';
import { trainStep } from '../step.js';
import type { TF } from '../tf.js';
import { GradientPeer } from './gradient-peer.js';
import { buildShareNetwork, type ShareNetwork } from './share-gradients.js';
import { thresholdFromPoints } from './split-calibration.js';
import { forwardMacsPerSample } from './split-policy.js';
import { trainStepSplit } from './split-step.js';

/** A reference step of a calibration: a conv net on 28×28×1 inputs (10 classes) and a batch size. */
export interface CalibrationCase {
  filters: number;
  batch: number;
}

/**
 * The reference steps, from ≈ 12 to ≈ 380 MFLOP of training work per step (the benchmark conv net at
 * batch 128 is ≈ 191), measured in this order.
 */
export const CALIBRATION_CASES: readonly CalibrationCase[] = [
  { filters: 8, batch: 32 },
  { filters: 16, batch: 64 },
  { filters: 32, batch: 128 },
  { filters: 64, batch: 128 },
];

/** The reference network of a case: conv 3×3×filters (relu) → maxpool 2 → flatten → dense 10 (softmax). */
export function calibrationNetwork(filters: number): NetworkSpec {
  return NetworkSpec.parse({
    inputShape: [28, 28, 1],
    layers: [
      { type: 'conv2d', filters, kernelSize: 3, activation: { name: 'relu' } },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: { name: 'softmax' } },
    ],
  });
}

/** Seeded values in [0, 1) (xorshift32); the data do not change a step's time. */
function pseudoRandom(n: number, seed: number): Float32Array {
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

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median ms of a whole step (one core) and of a two-part step (second part on `peer`) of one case. */
async function measureCase(tf: TF, peer: GradientPeer, c: CalibrationCase, steps: number): Promise<SplitCalibrationPoint> {
  const network = calibrationNetwork(c.filters);
  const rowSize = 28 * 28;
  const x = pseudoRandom(c.batch * rowSize, 7);
  const y = Int32Array.from(pseudoRandom(c.batch, 11), (v) => Math.floor(v * 10));
  const model = buildModel(tf, network, { seed: 1 });
  const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'sgd', learningRate: 1e-3 }));
  const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 });
  const peerNetwork = { network, loss: 'sparseCategoricalCrossentropy' as const, outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 };
  peer.prepare(peerNetwork);
  let local: ShareNetwork | null = null;
  const parts = { peerNow: () => peer, local: () => (local ??= buildShareNetwork(tf, peerNetwork)) };
  const whole = async (i: number) => {
    const xb = tf.tensor(x, [c.batch, 28, 28, 1], 'float32');
    const yb = tf.tensor1d(y, 'int32');
    try {
      await trainStep(tf, model, lossFn, optimizer, xb, yb, i);
    } finally {
      xb.dispose();
      yb.dispose();
    }
  };
  const split = (i: number) => trainStepSplit(tf, model, lossFn, optimizer, parts, { x: x.slice(), y: y.slice(), n: c.batch }, i, {});
  const timed = async (f: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  try {
    await whole(0);
    await split(0);
    const wholeMs: number[] = [];
    const splitMs: number[] = [];
    // Interleaved, so that a change of machine load hits both alike.
    for (let i = 1; i <= steps; i++) {
      wholeMs.push(await timed(() => whole(i)));
      splitMs.push(await timed(() => split(i)));
    }
    const flops = 6 * c.batch * forwardMacsPerSample(model);
    return { flops, wholeMs: Math.max(1e-3, median(wholeMs)), splitMs: Math.max(1e-3, median(splitMs)) };
  } finally {
    peer.release();
    (local as ShareNetwork | null)?.model.dispose();
    disposeOptimizer(optimizer);
    model.dispose();
  }
}

/**
 * Measures this machine's split calibration: for each reference case, the median time of a whole step
 * on one core against a two-part step with the second part on `peer` (another core), then the
 * threshold (thresholdFromPoints). Takes a few hundred ms on an idle machine. Never called inside a
 * run: the host runs it once, in a worker of its own while no run trains (main/services/
 * auto-split-calibration.ts), or `initscope calibrate` does, and stores the result (main/services/split-calibration-store.ts); runs then read the stored file.
 * @param peer a ready gradient peer on the same backend and kernels as `tf`
 * @param key what the calibration is measured on (see currentCalibrationKey)
 * @param steps timed steps per case and layout (median)
 */
export async function measureSplitCalibration(
  tf: TF,
  peer: GradientPeer,
  key: SplitCalibrationKey,
  steps = 5,
  cases: readonly CalibrationCase[] = CALIBRATION_CASES,
): Promise<SplitCalibration> {
  const points: SplitCalibrationPoint[] = [];
  for (const c of cases) points.push(await measureCase(tf, peer, c, steps));
  return { version: 1, key, minSplitFlops: thresholdFromPoints(points), points, measuredAt: new Date().toISOString() };
}

/**
 * measureSplitCalibration on an initialised wasm backend `tf` (with `kernels` registered, as the
 * worker that calls it registered them) and a gradient peer thread started for it and stopped after.
 * @throws Error when `backend` is not wasm or the peer thread cannot start
 */
export async function calibrateSplitWith(tf: TF, backend: string, kernels: WasmKernelSet, key: SplitCalibrationKey): Promise<SplitCalibration> {
  if (backend !== 'wasm') throw new Error(`split calibration needs the wasm backend, got ${backend}`);
  const peer = new GradientPeer('wasm', kernels);
  try {
    if (!(await peer.ready)) throw new Error('the gradient peer thread could not start');
    return await measureSplitCalibration(tf, peer, key);
  } finally {
    await peer.terminate();
  }
}

/**
 * measureSplitCalibration on this process's wasm backend (InitScope's full kernel set, as workers
 * register it) with a gradient peer thread started for it and stopped after (`initscope calibrate`).
 * @throws Error when the wasm backend or the peer thread cannot start
 */
export async function calibrateSplitHere(key: SplitCalibrationKey): Promise<SplitCalibration> {
  const { tf, backend } = await initBackend('wasm', FULL_WASM_KERNELS);
  return calibrateSplitWith(tf, backend, FULL_WASM_KERNELS, key);
}
