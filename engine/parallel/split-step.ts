import { locateDivergence } from '../diagnostics/divergence.js';
import type { LossFunction } from '../losses.js';
import type { Model } from '../model.js';
import type { Optimizer } from '../optimizers.js';
import { deriveSeed } from '../random.js';
import { applyBatchGradients, computeBatchGradients, disposeBatchGradients, type BatchGradients, type StepOptions, type StepResult } from '../step.js';
import type { Scalar, Tensor, Tensor1D, TF } from '../tf.js';
import type { SplitParts } from './batch-splitter.js';
import type { GradientPeer } from './gradient-peer.js';
import { shareGradients, type ShareGradients, type ShareRequest } from './share-gradients.js';

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
async function withWholeBatch<R>(tf: TF, model: Model, batch: HostBatch, f: (xb: Tensor) => Promise<R>): Promise<R> {
  const { xb, yb } = batchTensors(tf, model, batch, 0, batch.n);
  try {
    return await f(xb);
  } finally {
    xb.dispose();
    yb.dispose();
  }
}

/**
 * The whole batch's gradients from its two parts computed with loss scales nA/n and nB/n: the mean
 * loss over n samples is (nA·lossA + nB·lossB)/n, so its gradient is the sum of the scaled parts'
 * gradients (added in this order: first part + second part); correct counts add. Frees `mine`.
 */
function combine(tf: TF, model: Model, mine: BatchGradients, theirs: ShareGradients): BatchGradients {
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

/** The second part's gradients from the peer, or null when it failed (it is then broken and not used again). */
async function fromPeer(peer: GradientPeer, request: ShareRequest): Promise<ShareGradients | null> {
  try {
    return await peer.gradients([...request.weights], request.x, request.y, request.n, request.dropoutSeed, request.lossScale);
  } catch {
    return null;
  }
}

/**
 * One training step with its batch computed in two parts (the run's layout, see decideSplit): this
 * thread computes the gradients of the first ⌈n/2⌉ samples with dropout seed `dropoutSeed`, the second
 * part (the rest, dropout seed deriveSeed(dropoutSeed, 'peer')) is computed by the gradient peer when
 * `parts.peerNow()` offers one — in parallel, with the weights sent now — else on this thread by the
 * same code (shareGradients on a copy of the network: parts.local()); the two are added (see combine)
 * and the step ends as trainStep does (finiteness check, update, inspector). Where the second part
 * runs never changes a bit of the result (same code, backend and kernels; fixed parts and summation
 * order), so a run's numbers do not depend on how many cores the pool grants, nor on when; if the peer
 * fails the part is recomputed here. The result equals trainStep's on the whole batch only up to
 * float32 summation order and other dropout masks for the second part. Frees every tensor it creates.
 * Only for models without batchNorm (whose batch statistics two parts would change).
 * @param batch the whole batch (n ≥ 2), not modified
 * @returns the step's result, and whether the peer computed the second part
 */
export async function trainStepSplit<T = undefined>(
  tf: TF,
  model: Model,
  lossFn: LossFunction,
  optimizer: Optimizer,
  parts: SplitParts,
  batch: HostBatch,
  dropoutSeed: number,
  options: StepOptions<T> = {},
): Promise<StepResult<T> & { onPeer: boolean }> {
  const n = batch.n;
  const nA = Math.ceil(n / 2);
  const nB = n - nA;
  const rowSize = batch.x.length / n;
  const secondPart = (): ShareRequest => ({
    weights: model.variables.map((v) => ownedValues(tf, v)),
    x: batch.x.slice(nA * rowSize),
    y: batch.y.slice(nA),
    n: nB,
    dropoutSeed: deriveSeed(dropoutSeed, 'peer'),
    lossScale: nB / n,
  });
  const peer = parts.peerNow();
  const theirsPromise = peer ? fromPeer(peer, secondPart()) : null;
  const { xb, yb } = batchTensors(tf, model, batch, 0, nA);
  let mine: BatchGradients;
  try {
    mine = computeBatchGradients(tf, model, lossFn, xb, yb, dropoutSeed, nA / n);
  } finally {
    xb.dispose();
    yb.dispose();
  }
  const fromThePeer = theirsPromise ? await theirsPromise : null;
  let theirs: ShareGradients;
  try {
    theirs = fromThePeer ?? shareGradients(tf, parts.local(), secondPart());
  } catch (error) {
    disposeBatchGradients(mine);
    throw error;
  }
  const computed = combine(tf, model, mine, theirs);
  const locate = (gradientFinite: readonly boolean[]) => withWholeBatch(tf, model, batch, (xb) => locateDivergence(tf, model, xb, dropoutSeed, gradientFinite));
  return { ...(await applyBatchGradients(tf, model, optimizer, computed, locate, options)), onPeer: fromThePeer !== null };
}
