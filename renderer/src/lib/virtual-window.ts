/**
 * Windowing for long lists (the run list holds a sweep's 2,000 runs): rows have known heights, only
 * the rows that intersect the viewport (plus a few either side) are rendered, each at its offset.
 */

/** Offsets of each row's top and, last, the total height (length = heights.length + 1), in px. */
export function rowOffsets(heights: readonly number[]): number[] {
  const offsets = [0];
  for (const h of heights) offsets.push(offsets[offsets.length - 1]! + h);
  return offsets;
}

/**
 * The rows [start, end) to render for a viewport of `viewport` px scrolled to `scrollTop` px, with
 * `overscan` extra rows on each side. `offsets` from {@link rowOffsets}.
 */
export function visibleWindow(offsets: readonly number[], scrollTop: number, viewport: number, overscan = 4): { start: number; end: number } {
  const count = offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  // First row whose bottom is below scrollTop (binary search over the tops).
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1]! <= scrollTop) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < count && offsets[end]! < scrollTop + viewport) end++;
  return { start: Math.max(0, lo - overscan), end: Math.min(count, end + overscan) };
}
