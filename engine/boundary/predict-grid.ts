import type { BoundaryField, LossName } from '../../contract/index.js';
import type { Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';

/**
 * How a network's output becomes a picture (see contract/boundary.ts BoundaryField):
 * - `values`: a regression set (numClasses 0): the one output unit is the predicted target;
 * - `softmax`: K ≥ 2 units; probabilities are the output when the last activation is softmax, else the
 *   softmax of the outputs (they are the logits the cross-entropies read);
 * - `sigmoid`: one unit with a cross-entropy: p(class 1) = σ(logit), the logit being the
 *   pre-activation when the last activation is sigmoid, else the output;
 * - `clip`: one unit with MSE: p(class 1) = the output clipped to [0, 1].
 * With one unit the class is 1 when p > ½, as the loss's accuracy counts it (engine/losses.ts).
 */
export type OutputReading =
  { kind: 'values' } | { kind: 'softmax'; numClasses: number; isSoftmax: boolean } | { kind: 'sigmoid'; isSigmoid: boolean } | { kind: 'clip' };

/** The reading of `model`'s output for a run with loss `loss` on a set of `numClasses` classes (0: regression). */
export function outputReading(model: Pick<Model, 'outputShape' | 'outputActivation'>, loss: LossName, numClasses: number): OutputReading {
  const units = model.outputShape[model.outputShape.length - 1] as number;
  const activation = model.outputActivation.name;
  if (numClasses === 0) return { kind: 'values' };
  if (units >= 2) return { kind: 'softmax', numClasses: units, isSoftmax: activation === 'softmax' };
  return loss === 'meanSquaredError' ? { kind: 'clip' } : { kind: 'sigmoid', isSigmoid: activation === 'sigmoid' };
}

/** Confidence rounded to 4 decimals (the picture cannot show more; it keeps the wire small). */
const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;
/** A regression value to 6 significant digits. */
const round6 = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(6)) : 0);

/**
 * Evaluates the model in inference mode (no dropout; batchNorm uses its moving statistics and records
 * nothing) on grid points, in chunks, and reads the field of the picture. Nothing it does touches the
 * model's variables, the optimizer or any random stream, so training numbers are the same with or
 * without pictures. Frees every tensor it creates.
 * @param points row-major [n, 2] float32 (gridPoints)
 * @param chunk samples per forward pass
 */
export async function predictGrid(tf: TF, model: Model, reading: OutputReading, points: Float32Array, chunk = 4096): Promise<BoundaryField> {
  const n = points.length / 2;
  const first = new Float32Array(n);
  const second = new Float32Array(n);
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const [a, b] = tf.tidy((): Tensor[] => {
      const x = tf.tensor2d(points.subarray(2 * start, 2 * end), [end - start, 2], 'float32');
      const result = model.forward(x, { training: false });
      return readOutput(tf, result.output, result.logits, reading);
    });
    try {
      first.set(await (a as Tensor).data(), start);
      if (b) second.set(await b.data(), start);
    } finally {
      a?.dispose();
      b?.dispose();
    }
  }
  if (reading.kind === 'values') {
    const values = Array.from(first, round6);
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { kind: 'values', values, range: { min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 } };
  }
  const numClasses = reading.kind === 'softmax' ? reading.numClasses : 2;
  // A non-finite output (a model on its way to diverging) reads as class 0 with the lowest confidence.
  const classes = Array.from(first, (c) => (Number.isInteger(c) && c >= 0 && c < numClasses ? c : 0));
  const confidence = Array.from(second, (p) => (Number.isFinite(p) ? Math.min(1, Math.max(0, round4(p))) : 1 / numClasses));
  return { kind: 'classes', numClasses, classes, confidence };
}

/** [class or value, confidence] tensors of one chunk (the confidence is absent for `values`). */
function readOutput(tf: TF, output: Tensor, logits: Tensor, reading: OutputReading): Tensor[] {
  switch (reading.kind) {
    case 'values':
      return [tf.reshape(output, [-1])];
    case 'softmax': {
      const probs = reading.isSoftmax ? output : tf.softmax(output, -1);
      return [tf.argMax(probs, -1), tf.max(probs, -1)];
    }
    case 'sigmoid':
    case 'clip': {
      const p = tf.reshape(reading.kind === 'clip' ? tf.clipByValue(output, 0, 1) : tf.sigmoid(reading.isSigmoid ? logits : output), [-1]);
      return [tf.cast(tf.greater(p, 0.5), 'int32'), tf.maximum(p, tf.sub(1, p))];
    }
  }
}
