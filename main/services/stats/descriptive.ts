/**
 * Arithmetic mean of `values` (any finite numbers); null for an empty list.
 */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Unbiased sample variance s² = Σ(x − x̄)² / (n − 1) (two-pass, so large offsets do not cancel);
 * null when n < 2.
 */
export function sampleVariance(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values) as number;
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return ss / (values.length - 1);
}

/** Sample standard deviation s = √s² (n − 1 in the denominator); null when n < 2. */
export function sampleStd(values: readonly number[]): number | null {
  const variance = sampleVariance(values);
  return variance === null ? null : Math.sqrt(variance);
}
