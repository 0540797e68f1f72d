import { gatherRows, labelTensor } from './batches.js';
import type { LossFunction } from './losses.js';
import type { Model } from './model.js';
import type { TF } from './tf.js';

/** Mean loss and accuracy over a set of samples. */
export interface Evaluation {
  /** Mean loss per sample, in the loss's units (for a regression set: the MSE, in squared target units). */
  loss: number;
  /** Fraction correct, in [0, 1]; null when the loss has no accuracy (regression). */
  accuracy: number | null;
}

/**
 * Evaluates the model (inference mode: no dropout) on the samples `indices` of x/y, in chunks of
 * `chunkSize` samples; one device read per chunk; frees every tensor it creates.
 * @param x row-major [n, ...inputShape]
 * @param y [n]: int32 class indices, or float32 targets of a regression set
 * @returns null when `indices` is empty
 */
export async function evaluate(
  tf: TF,
  model: Model,
  lossFn: LossFunction,
  x: Float32Array,
  y: Int32Array | Float32Array,
  indices: Int32Array,
  chunkSize = 2048,
): Promise<Evaluation | null> {
  if (indices.length === 0) return null;
  const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < indices.length; start += chunkSize) {
    const end = Math.min(indices.length, start + chunkSize);
    const n = end - start;
    const summary = tf.tidy(() => {
      const xb = tf.tensor(gatherRows(x, rowSize, indices, start, end), [n, ...model.inputShape], 'float32');
      const yb = labelTensor(tf, y, indices, start, end);
      const result = model.forward(xb, { training: false });
      return tf.stack([tf.mul(lossFn.loss(result, yb), n), lossFn.correct(result, yb)]);
    });
    try {
      const v = await summary.data();
      lossSum += v[0] as number;
      correct += v[1] as number;
    } finally {
      summary.dispose();
    }
  }
  return { loss: lossSum / indices.length, accuracy: lossFn.hasAccuracy ? correct / indices.length : null };
}
