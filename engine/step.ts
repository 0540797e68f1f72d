import { locateDivergence } from './diagnostics/divergence.js';
import { allFiniteOnHeap } from './kernels/finite-simd.js';
import type { StateUpdate } from './layers/types.js';
import { lossAndCorrect, readsOnlyLogits, type LossFunction } from './losses.js';
import type { Model } from './model.js';
import type { Optimizer } from './optimizers.js';
import type { Scalar, Tensor, Tensor1D, TF } from './tf.js';

/** What one training step observed. */
export interface StepResult<T = undefined> {
  /** Mean loss over the batch (before the update), in the loss's units. */
  loss: number;
  /** Correctly classified samples in the batch (0 for a regression loss, see LossFunction.hasAccuracy). */
  correct: number;
  /** True if the loss and every gradient were finite; only then was the update applied. */
  finite: boolean;
  /** For a non-finite step, the layer where it first appeared (see locateDivergence), else null. */
  badLayer: string | null;
  /** What `options.inspect` returned (finite steps with an inspector only). */
  inspected?: T;
}

/** What an inspector sees after a finite update, before the step frees its tensors. */
export interface StepView {
  /** Gradient of every variable, keyed by variable name. */
  grads: Record<string, Tensor>;
  /** Value before the update of each variable named in `options.snapshot`, keyed by variable name. */
  before: ReadonlyMap<string, Tensor>;
}

export interface StepOptions<T> {
  /** Learning rate of this update (a schedule's value); default the optimizer's own. */
  learningRate?: number;
  /** Names of variables whose pre-update value the inspector needs (copied only when inspecting). */
  snapshot?: readonly string[];
  /** Called after a finite update with the gradients (e.g. per-layer statistics). */
  inspect?: (view: StepView) => Promise<T>;
}

/**
 * Frees what an aborted top-level tf.variableGrads leaves behind. When a kernel (or a gradient
 * function) throws in the forward or the backward pass, tfjs unwinds its scopes but never disposes
 * the tensors its tape saved for the backward pass: they are tf.keep'd clones that no tidy scope
 * frees (e.g. 24 tensors for a conv net whose Conv2DBackpropFilter is missing on stock wasm). This
 * disposes them and drops the tape. Does nothing inside an enclosing gradient (gradientDepth > 0),
 * whose tape is still in use.
 */
export function releaseAbandonedTape(tf: TF): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) {
    for (const saved of node.saved ?? []) saved.dispose();
  }
  state.activeTape = [];
}

/** Loss, accuracy count and gradients of one batch, before any update; the holder frees them (see disposeBatchGradients). */
export interface BatchGradients {
  /** Mean loss over the batch (scalar). */
  value: Scalar;
  /** Correctly classified samples in the batch (float32 scalar; 0 for a regression loss). */
  correct: Scalar;
  /** Gradient of every model variable, keyed by variable name (same shape as the variable). */
  grads: Record<string, Tensor>;
  /** batchNorm moving-statistics updates, applied only after a finite step. */
  stateUpdates: StateUpdate[];
}

/** Frees every tensor of a BatchGradients. */
export function disposeBatchGradients(computed: BatchGradients): void {
  computed.value.dispose();
  computed.correct.dispose();
  for (const g of Object.values(computed.grads)) g.dispose();
  for (const u of computed.stateUpdates) u.value.dispose();
}

/**
 * Forward (training mode), loss and gradients of every model variable (tf.variableGrads) on one
 * batch. No device read. When a kernel (or a gradient) throws, frees what it created and rethrows.
 * @param xb inputs [batch, ...inputShape]
 * @param yb [batch]: int32 class indices, or float32 targets of a regression set
 * @param lossScale multiplies the mean loss before differentiation (value and gradients are scaled alike);
 *   a share of a split batch uses its fraction of the samples, so that shares' results add up
 * @returns tensors owned by the caller
 */
export function computeBatchGradients(
  tf: TF,
  model: Model,
  lossFn: LossFunction,
  xb: Tensor,
  yb: Tensor1D,
  dropoutSeed: number,
  lossScale = 1,
): BatchGradients {
  const variables = [...model.variables];
  const kept: { correct?: Scalar } = {};
  const stateUpdates: StateUpdate[] = [];
  try {
    // The tidy frees the forward result if the backward pass throws; on success it hands
    // the value and gradients to the caller.
    const { value, grads } = tf.tidy(() =>
      tf.variableGrads(() => {
        // A loss on the logits alone: the output activation (e.g. softmax) is not run.
        const result = model.forward(xb, { training: true, dropoutSeed, stateUpdates, logitsOnly: readsOnlyLogits(lossFn) });
        // One kernel for both where the loss has one (patched wasm, sparse cross-entropy).
        const { loss, correct } = lossAndCorrect(lossFn, result, yb);
        kept.correct = tf.keep(correct);
        return lossScale === 1 ? loss : tf.mul(loss, lossScale);
      }, variables),
    );
    return { value, correct: kept.correct as Scalar, grads, stateUpdates };
  } catch (error) {
    releaseAbandonedTape(tf);
    kept.correct?.dispose();
    for (const u of stateUpdates) u.value.dispose();
    throw error;
  }
}

/**
 * The second half of a training step, given a batch's gradients: a finiteness check of loss and
 * gradients (one device read), and — only if all are finite — the optimizer update and the
 * batchNorm moving-statistics updates, then the inspector. Frees `computed` in every case.
 * @param locate names the layer of a non-finite step (see locateDivergence), given per variable
 *   whether its gradient was finite
 */
export async function applyBatchGradients<T>(
  tf: TF,
  model: Model,
  optimizer: Optimizer,
  computed: BatchGradients,
  locate: (gradientFinite: readonly boolean[]) => Promise<string | null>,
  options: StepOptions<T> = {},
): Promise<StepResult<T>> {
  const variables = [...model.variables];
  const { value, correct, grads, stateUpdates } = computed;
  const before = new Map<string, Tensor>();
  try {
    // On wasm, one SIMD pass per gradient where it lies (the same answer as IsFinite → All, see
    // kernels/finite-simd.ts); elsewhere the tf-op check, read back with the loss in one read.
    const onHeap = allFiniteOnHeap(
      tf,
      variables.map((v) => grads[v.name]),
    );
    let values: Float32Array;
    if (onHeap) {
      // wasm: the two scalars are read where they lie (no reshape/concat kernels, no summary tensor).
      values = Float32Array.of((await value.data())[0] as number, (await correct.data())[0] as number);
    } else {
      const summary = tf.tidy(() =>
        tf.concat([
          tf.reshape(value, [1]),
          tf.reshape(correct, [1]),
          ...variables.map((v) => {
            const g = grads[v.name];
            return g ? tf.reshape(tf.cast(tf.all(tf.isFinite(g)), 'float32'), [1]) : tf.ones([1]);
          }),
        ]),
      );
      try {
        values = (await summary.data()) as Float32Array;
      } finally {
        summary.dispose();
      }
    }
    const loss = values[0] as number;
    const gradientFinite = onHeap ?? variables.map((_, i) => values[i + 2] === 1);
    const finite = Number.isFinite(loss) && gradientFinite.every(Boolean);
    if (!finite) {
      const badLayer = await locate(gradientFinite);
      return { loss, correct: values[1] as number, finite, badLayer };
    }
    if (options.inspect) {
      for (const name of options.snapshot ?? []) {
        const v = variables.find((x) => x.name === name);
        if (v) before.set(name, tf.clone(v));
      }
    }
    optimizer.applyGradients(grads, options.learningRate);
    for (const u of stateUpdates) u.variable.assign(u.value);
    const inspected = options.inspect ? await options.inspect({ grads, before }) : undefined;
    return { loss, correct: values[1] as number, finite, badLayer: null, ...(options.inspect ? { inspected } : {}) };
  } finally {
    disposeBatchGradients(computed);
    for (const t of before.values()) t.dispose();
  }
}

/**
 * One optimisation step on a batch: forward (training mode), loss, gradients of every model variable
 * (tf.variableGrads), a finiteness check of loss and gradients, and — only if all are finite —
 * the optimizer update and the batchNorm moving-statistics updates. One device read per step (plus
 * one for a diverged step, to name its layer, and what an inspector reads). Frees every tensor it
 * creates, also when a kernel throws during the forward or backward pass (the error is rethrown).
 * @param xb inputs [batch, ...inputShape]
 * @param yb [batch]: int32 class indices, or float32 targets of a regression set
 */
export async function trainStep<T = undefined>(
  tf: TF,
  model: Model,
  lossFn: LossFunction,
  optimizer: Optimizer,
  xb: Tensor,
  yb: Tensor1D,
  dropoutSeed: number,
  options: StepOptions<T> = {},
): Promise<StepResult<T>> {
  const computed = computeBatchGradients(tf, model, lossFn, xb, yb, dropoutSeed);
  return applyBatchGradients(tf, model, optimizer, computed, (finite) => locateDivergence(tf, model, xb, dropoutSeed, finite), options);
}
