import { Random } from './random.js';
import type { Tensor1D, TF } from './tf.js';

/** Sample indices of the training and validation splits. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
}

/**
 * Seeded train/validation split of n samples: a seeded permutation, whose first
 * round(n·validationSplit) indices (at most n − 1) form the validation split.
 * @param validationSplit fraction in [0, 1)
 */
export function splitIndices(n: number, validationSplit: number, seed: number): Split {
  const perm = new Random(seed).permutation(n);
  const nVal = Math.min(Math.max(0, Math.round(n * validationSplit)), n - 1);
  return { val: perm.slice(0, nVal), train: perm.slice(nVal) };
}

/**
 * Copies rows `indices[start..end)` of a row-major matrix into a new array.
 * @param x row-major [n, rowSize]
 * @returns row-major [end − start, rowSize]
 */
export function gatherRows(x: Float32Array, rowSize: number, indices: Int32Array, start: number, end: number): Float32Array {
  return gatherRowsInto(new Float32Array((end - start) * rowSize), x, rowSize, indices, start, end);
}

/**
 * gatherRows into `out` (reused from batch to batch instead of allocating ~0.4 MB per MNIST batch):
 * fills its first (end − start)·rowSize values and returns that view.
 * @param out at least (end − start)·rowSize values
 * @throws if `out` is too short
 */
export function gatherRowsInto(out: Float32Array, x: Float32Array, rowSize: number, indices: Int32Array, start: number, end: number): Float32Array {
  const size = (end - start) * rowSize;
  if (out.length < size) throw new Error(`gatherRowsInto: buffer of ${out.length} values, need ${size}`);
  for (let i = start; i < end; i++) {
    const src = (indices[i] as number) * rowSize;
    out.set(x.subarray(src, src + rowSize), (i - start) * rowSize);
  }
  return size === out.length ? out : out.subarray(0, size);
}

/**
 * Copies labels `indices[start..end)` into a new array [end − start] of the same type: Int32Array
 * class indices, or Float32Array real-valued targets of a regression set.
 */
export function gatherLabels(y: Int32Array, indices: Int32Array, start: number, end: number): Int32Array;
export function gatherLabels(y: Float32Array, indices: Int32Array, start: number, end: number): Float32Array;
export function gatherLabels(y: Int32Array | Float32Array, indices: Int32Array, start: number, end: number): Int32Array | Float32Array;
export function gatherLabels(y: Int32Array | Float32Array, indices: Int32Array, start: number, end: number): Int32Array | Float32Array {
  const out = y instanceof Float32Array ? new Float32Array(end - start) : new Int32Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = y[indices[i] as number] as number;
  return out;
}

/**
 * The labels `indices[start..end)` as a tensor [end − start]: int32 class indices, or float32 targets
 * when `y` is a regression set's Float32Array. The caller owns (disposes) it.
 */
export function labelTensor(tf: TF, y: Int32Array | Float32Array, indices: Int32Array, start: number, end: number): Tensor1D {
  const values = gatherLabels(y, indices, start, end);
  return tf.tensor1d(values, values instanceof Float32Array ? 'float32' : 'int32');
}
