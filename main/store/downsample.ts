/**
 * Indices of at most `maxPoints` evenly spaced items out of `length`, always including the first and
 * the last: index_k = round(k · (length − 1) / (maxPoints − 1)) for k = 0 … maxPoints − 1. When
 * `length ≤ maxPoints` every index is returned. The spacing is > 1 when downsampling, so the indices
 * are strictly increasing (no duplicates). `maxPoints` must be an integer ≥ 2.
 */
export function evenlySpacedIndices(length: number, maxPoints: number): number[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError(`maxPoints must be an integer >= 2, got ${maxPoints}`);
  if (length <= maxPoints) return Array.from({ length }, (_, i) => i);
  const spacing = (length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, k) => Math.round(k * spacing));
}

/** Keeps at most `maxPoints` evenly spaced items, first and last included (see {@link evenlySpacedIndices}). */
export function downsampleEvenly<T>(items: readonly T[], maxPoints: number): T[] {
  return evenlySpacedIndices(items.length, maxPoints).map((i) => items[i] as T);
}
