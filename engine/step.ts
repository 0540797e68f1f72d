import { locateDivergence } from './diagnostics/divergence.js';
import type { StateUpdate } from './layers/types.js';
import type { LossFunction } from './losses.js';
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
  const variables = [...model.variables];
  const kept: { correct?: Scalar } = {};
  const stateUpdates: StateUpdate[] = [];
  const before = new Map<string, Tensor>();
  let computed: ReturnType<TF['variableGrads']>;
  try {
    // The tidy frees the forward result if the backward pass throws; on success it hands
    // the value and gradients to this function, which frees them below.
    computed = tf.tidy(() =>
      tf.variableGrads(() => {
        const result = model.forward(xb, { training: true, dropoutSeed, stateUpdates });
        kept.correct = tf.keep(lossFn.correct(result, yb));
        return lossFn.loss(result, yb);
      }, variables),
    );
  } catch (error) {
    releaseAbandonedTape(tf);
    kept.correct?.dispose();
    for (const u of stateUpdates) u.value.dispose();
    throw error;
  }
  const { value, grads } = computed;
  const correct = kept.correct as Scalar;
  const gradList = Object.values(grads);
  try {
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
    let values: Float32Array;
    try {
      values = (await summary.data()) as Float32Array;
    } finally {
      summary.dispose();
    }
    const loss = values[0] as number;
    const gradientFinite = variables.map((_, i) => values[i + 2] === 1);
    const finite = Number.isFinite(loss) && gradientFinite.every(Boolean);
    if (!finite) {
      const badLayer = await locateDivergence(tf, model, xb, dropoutSeed, gradientFinite);
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
    value.dispose();
    correct.dispose();
    for (const g of gradList) g.dispose();
    for (const u of stateUpdates) u.value.dispose();
    for (const t of before.values()) t.dispose();
  }
}
