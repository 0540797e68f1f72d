/**
 * Reductions of float32 data on the host with the wasm backend's arithmetic: its Sum and Mean kernels
 * add the elements in order into one float32 accumulator (each partial sum rounded to float32) and
 * Mean divides by the element count converted to float32; elementwise ops round every result to
 * float32. Math.fround after each operation gives the same bits (a float64 +, −, ×, ÷ or √ of
 * float32 operands rounded once to float32 is the correctly rounded float32 result).
 */

/** The largest count a float32 accumulator of ones reaches: 2²⁴ + 1 rounds back to 2²⁴. */
const FLOAT32_COUNT_LIMIT = 2 ** 24;

/**
 * Σ values[i] in order, in float32 (tf.sum on wasm).
 * @param values float32 values
 */
export function sumF32(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s = Math.fround(s + (values[i] as number));
  return s;
}

/**
 * Σ values[i]² in order, in float32 (tf.sum(tf.square(x)) on wasm).
 * @param values float32 values
 */
export function sumSquaresF32(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    s = Math.fround(s + Math.fround(v * v));
  }
  return s;
}

/**
 * Σ (a[i] − b[i])² in order, in float32 (tf.sum(tf.square(tf.sub(a, b))) on wasm).
 * @param a float32 values
 * @param b float32 values, as many as `a`
 */
export function sumSquaredDifferencesF32(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`float32-reductions: ${a.length} values against ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.fround((a[i] as number) - (b[i] as number));
    s = Math.fround(s + Math.fround(d * d));
  }
  return s;
}

/**
 * The mean and population variance of float32 values as tf.moments computes them on wasm: mean =
 * Σx / n, variance = Σ(x − mean)² / n, both sums in order in float32.
 * @param values float32 values, at least one
 */
export function momentsF32(values: ArrayLike<number>): { mean: number; variance: number } {
  const n = Math.fround(values.length);
  const mean = Math.fround(sumF32(values) / n);
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const d = Math.fround((values[i] as number) - mean);
    s = Math.fround(s + Math.fround(d * d));
  }
  return { mean, variance: Math.fround(s / n) };
}

/**
 * tf.mean of a 0/1 mask with `count` ones out of `n` elements on wasm: the float32 accumulator of ones
 * (exact up to 2²⁴, where it stays) divided by n in float32.
 */
export function fractionF32(count: number, n: number): number {
  return Math.fround(Math.min(count, FLOAT32_COUNT_LIMIT) / Math.fround(n));
}
