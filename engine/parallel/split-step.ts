import { locateDivergence } from '../diagnostics/divergence.js';
import type { LossFunction } from '../losses.js';
import type { Model } from '../model.js';
import type { Optimizer } from '../optimizers.js';
import { deriveSeed } from '../random.js';
import { applyBatchGradients, computeBatchGradients, disposeBatchGradients, trainStep, type BatchGradients, type StepOptions, type StepResult } from '../step.js';
import type { Scalar, Tensor, Tensor1D, TF } from '../tf.js';
import type { GradientPeer, PeerGradients } from './gradient-peer.js';
import type { ShareBalancer } from './share-balancer.js';

/** One batch as host arrays. */
export interface HostBatch {
  /** Inputs, row-major [n, ...model.inputShape]. */
  x: Float32Array;
  /** [n] class indices (Int32Array) or regression targets (Float32Array). */
  y: Int32Array | Float32Array;
  /** Number of samples. */
  n: number;
}

/** A tensor's values in an array of its own (safe to transfer to another thread). */
export function ownedValues(tf: TF, t: Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  // wasm's read is already a fresh copy; other backends may hand out their own storage.
  return tf.getBackend() === 'wasm' && values.byteOffset === 0 && values.byteLength === values.buffer.byteLength ? values : values.slice();
}

/** The samples [start, end) of a batch as tensors. */
function batchTensors(tf: TF, model: Model, batch: HostBatch, start: number, end: number): { xb: Tensor; yb: Tensor1D } {
  const rowSize = batch.x.length / batch.n;
  const xb = tf.tensor(batch.x.subarray(start * rowSize, end * rowSize), [end - start, ...model.inputShape], 'float32');
  const y = batch.y.subarray(start, end);
  return { xb, yb: tf.tensor1d(y, y instanceof Float32Array ? 'float32' : 'int32') };
}

/** Runs `f` on the whole batch as tensors, freed afterwards. */
async function withWholeBatch<R>(tf: TF, model: Model, batch: HostBatch, f: (xb: Tensor, yb: Tensor1D) => Promise<R>): Promise<R> {
  const { xb, yb } = batchTensors(tf, model, batch, 0, batch.n);
  try {
    return await f(xb, yb);
  } finally {
    xb.dispose();
    yb.dispose();
  }
}

/**
 * The whole batch's gradients from two shares computed with loss scales nA/n and nB/n: the mean loss
 * over n samples is (nA·lossA + nB·lossB)/n, so its gradient is the sum of the scaled shares'
 * gradients; correct counts add. Frees `mine`.
 */
function combine(tf: TF, model: Model, mine: BatchGradients, theirs: PeerGradients): BatchGradients {
  try {
    return tf.tidy(() => {
      const grads: Record<string, Tensor> = {};
      model.variables.forEach((v, i) => {
        const gA = mine.grads[v.name];
        const gB = tf.tensor(theirs.grads[i] as Float32Array, v.shape, 'float32');
        grads[v.name] = tf.keep(gA ? tf.add(gA, gB) : gB);
      });
      const value = tf.keep(tf.add(mine.value, theirs.loss)) as Scalar;
      const correct = tf.keep(tf.add(mine.correct, theirs.correct)) as Scalar;
      // batchNorm is never split (see decideSplit), so there are no state updates to merge.
      return { value, correct, grads, stateUpdates: [] };
    });
  } finally {
    disposeBatchGradients(mine);
  }
}

/**
 * One training step with its batch split across two cores: the peer computes the gradients of the
 * last samples (with the weights sent now) while this thread computes those of the first ones — half
 * each, or as `balancer` decides so that both finish together; the two are combined into the whole
 * batch's gradient (see combine) and the step ends as trainStep does (finiteness check, update,
 * inspector). The result equals trainStep's on the whole batch up to float32 summation order, except
 * that the peer's share draws its dropout masks from deriveSeed(dropoutSeed, 'peer') (same
 * distribution, other samples). If the peer fails, the step is trained on this thread alone (the peer
 * is then broken and not used again). Frees every tensor it creates.
 * Only for models without batchNorm (whose batch statistics a split would change).
 * @param batch the whole batch (n ≥ 2), not modified
 * @param balancer chooses this thread's share and learns from the step's timings; default half
 */
export async function trainStepSplit<T = undefined>(
  tf: TF,
  model: Model,
  lossFn: LossFunction,
  optimizer: Optimizer,
  peer: GradientPeer,
  batch: HostBatch,
  dropoutSeed: number,
  options: StepOptions<T> = {},
  balancer?: ShareBalancer,
): Promise<StepResult<T>> {
  const n = batch.n;
  const nA = balancer ? balancer.mainShare(n) : Math.ceil(n / 2);
  const nB = n - nA;
  const rowSize = batch.x.length / n;
  const weights = model.variables.map((v) => ownedValues(tf, v));
  const sent = performance.now();
  const theirsPromise = peer.gradients(weights, batch.x.slice(nA * rowSize), batch.y.slice(nA), nB, deriveSeed(dropoutSeed, 'peer'), nB / n);
  // Mark it handled now: this thread computes its share before awaiting it.
  theirsPromise.catch(() => {});
  const { xb, yb } = batchTensors(tf, model, batch, 0, nA);
  let mine: BatchGradients;
  const started = performance.now();
  try {
    mine = computeBatchGradients(tf, model, lossFn, xb, yb, dropoutSeed, nA / n);
  } finally {
    xb.dispose();
    yb.dispose();
  }
  const mainMs = performance.now() - started;
  let theirs: PeerGradients;
  try {
    theirs = await theirsPromise;
  } catch {
    disposeBatchGradients(mine);
    return withWholeBatch(tf, model, batch, (xb, yb) => trainStep(tf, model, lossFn, optimizer, xb, yb, dropoutSeed, options));
  }
  balancer?.record(nA, mainMs, nB, theirs.busyMs, performance.now() - sent);
  const computed = combine(tf, model, mine, theirs);
  const locate = (gradientFinite: readonly boolean[]) =>
    withWholeBatch(tf, model, batch, (xb) => locateDivergence(tf, model, xb, dropoutSeed, gradientFinite));
  return applyBatchGradients(tf, model, optimizer, computed, locate, options);
}
