import type { LossFunction } from './losses.js';
import type { Model } from './model.js';
import type { Optimizer, Scalar, Tensor, Tensor1D, TF } from './tf.js';

/** What one training step observed. */
export interface StepResult {
  /** Mean loss over the batch (before the update), in the loss's units. */
  loss: number;
  /** Correctly classified samples in the batch. */
  correct: number;
  /** True if the loss and every gradient were finite; only then was the update applied. */
  finite: boolean;
  /** Name of the first layer (network order) with a non-finite gradient, or null. */
  badLayer: string | null;
}

/**
 * One optimisation step on a batch: forward (training mode), loss, gradients of every model variable
 * (tf.variableGrads), a finiteness check of loss and gradients, and — only if all are finite —
 * optimizer.applyGradients. One device read per step. Frees every tensor it creates.
 * @param xb inputs [batch, ...inputShape]
 * @param yb int32 class indices [batch]
 */
export async function trainStep(
  tf: TF,
  model: Model,
  lossFn: LossFunction,
  optimizer: Optimizer,
  xb: Tensor,
  yb: Tensor1D,
  dropoutSeed: number,
): Promise<StepResult> {
  const variables = [...model.variables];
  const kept: { correct?: Scalar } = {};
  let computed: ReturnType<TF['variableGrads']>;
  try {
    computed = tf.variableGrads(() => {
      const result = model.forward(xb, { training: true, dropoutSeed });
      kept.correct = tf.keep(lossFn.correct(result, yb));
      return lossFn.loss(result, yb);
    }, variables);
  } catch (error) {
    kept.correct?.dispose();
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
    let badLayer: string | null = null;
    for (let i = 0; i < variables.length; i++) {
      if (values[i + 2] !== 1) {
        badLayer = model.layerOfVariable(variables[i]!.name) ?? null;
        break;
      }
    }
    const finite = Number.isFinite(loss) && badLayer === null;
    if (finite) optimizer.applyGradients(grads);
    return { loss, correct: values[1] as number, finite, badLayer };
  } finally {
    value.dispose();
    correct.dispose();
    for (const g of gradList) g.dispose();
  }
}
