import { DISTRIBUTION_PERCENTILES, HISTOGRAM_EDGES, RANGE_HISTOGRAM_BINS } from '../../contract/index.js';
import { PERCENTILE_SAMPLE } from './distributions.js';

/**
 * The host-side twins of distributions.ts's device computations (strided samples, percentiles and
 * histogram bins), with the wasm backend's float32 arithmetic (Math.fround after every operation),
 * so that they give the same bits as the tf ops they replace on wasm.
 */

/** Fixed-edge histogram: lower edge, bin width and bin count (see layer-stats.ts). */
const EDGE_LO = HISTOGRAM_EDGES[0] as number;
const BIN_WIDTH = Math.fround((HISTOGRAM_EDGES[HISTOGRAM_EDGES.length - 1]! - EDGE_LO) / (HISTOGRAM_EDGES.length - 1));
const FIXED_BINS = HISTOGRAM_EDGES.length + 1;
const TINY_WIDTH = Math.fround(1e-30);

/**
 * Every `⌈n / max⌉`-th element of `values` (all of them when n ≤ max), in order, as a new array
 * (what strided() takes with tf.stridedSlice).
 */
export function stridedHost(values: Float32Array, max: number): Float32Array {
  const n = values.length;
  const stride = Math.max(1, Math.ceil(n / max));
  if (stride === 1) return values;
  const out = new Float32Array(Math.ceil(n / stride));
  for (let i = 0, j = 0; j < out.length; i += stride, j++) out[j] = values[i] as number;
  return out;
}

/** clip(v, 0, hi) as the wasm backend's ClipByValue then Cast to int32 give it: a NaN becomes 0, −0 becomes +0. */
function clipIndex(v: number, hi: number): number {
  return (v >= 0 ? (v <= hi ? v : hi) : 0) | 0;
}

/**
 * Puts the `k`-th smallest value of a[lo..hi] at a[k] for every k of `ks` (ascending, within [lo, hi]),
 * with smaller values before and larger after it (three-way quickselect on several positions at once;
 * ties, such as a dead layer's zero gradients, land in the middle band and end the search). ±0 compare
 * equal, so either may end at a position where both occur. a must hold no NaN.
 */
function selectInPlace(a: Float32Array, lo: number, hi: number, ks: readonly number[]): void {
  while (ks.length > 0 && hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    const [x, y, z] = [a[lo] as number, a[mid] as number, a[hi] as number];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = a[i] as number;
      if (v < pivot) {
        a[i] = a[lt] as number;
        a[lt++] = v;
        i++;
      } else if (v > pivot) {
        a[i] = a[gt] as number;
        a[gt--] = v;
      } else i++;
    }
    const left = ks.filter((k) => k < lt);
    if (left.length > 0) selectInPlace(a, lo, lt - 1, left);
    ks = ks.filter((k) => k > gt);
    lo = gt + 1;
  }
  if (ks.length > 0) a.subarray(lo, hi + 1).sort();
}

/**
 * DISTRIBUTION_PERCENTILES of `values` (at most PERCENTILE_SAMPLE evenly strided elements) written to
 * `out[at .. at + PERCENTILE_COUNT)`, with the bits distributions.ts's `percentiles` gives on wasm:
 * the sample's order statistics s_⌊h⌋ and s_min(⌊h⌋+1, n−1) (selected, not the whole sample sorted:
 * {@link selectInPlace}), p = a + (b − a)·f with a = s_⌊h⌋, b = s_min(⌊h⌋+1, n−1), f = h − ⌊h⌋
 * rounded to float32 and every operation in float32. The order of −0 and +0 among equal values does
 * not matter (a ±0 result of that formula is always +0). A NaN in the sample writes NaN everywhere
 * (read as "no percentiles"; tf.topk's order with a NaN is not defined).
 * @param values 1-D float32, at least one element
 */
export function percentilesHost(values: Float32Array, out: Float32Array, at: number): void {
  const sample = stridedHost(values, PERCENTILE_SAMPLE);
  const n = sample.length;
  for (let i = 0; i < n; i++)
    if (sample[i] !== sample[i]) {
      out.fill(Number.NaN, at, at + DISTRIBUTION_PERCENTILES.length);
      return;
    }
  const positions = DISTRIBUTION_PERCENTILES.map((p) => {
    const h = (p / 100) * (n - 1);
    const l = Math.floor(h);
    return { l, u: Math.min(n - 1, l + 1), frac: h - l };
  });
  // A copy (the sample may be `values` itself), partly ordered in place.
  const a = sample.slice();
  selectInPlace(
    a,
    0,
    n - 1,
    [...new Set(positions.flatMap(({ l, u }) => [l, u]))].sort((x, y) => x - y),
  );
  positions.forEach(({ l, u, frac }, k) => {
    const lo = a[l] as number;
    const hi = a[u] as number;
    out[at + k] = Math.fround(lo + Math.fround(Math.fround(hi - lo) * Math.fround(frac)));
  });
}

/**
 * The fixed-edge histogram bin (HISTOGRAM_EDGES) of every element of `sample`, written as float32 to
 * `out` from `at`: clip(⌊(v − lo)/width⌋ + 1, 0, 21) in float32 (a NaN element in bin 0), as
 * layer-stats.ts's device histogramBins gives it on wasm.
 */
export function fixedBinsHost(sample: Float32Array, out: Float32Array, at: number): void {
  for (let i = 0; i < sample.length; i++) {
    const q = Math.fround(Math.fround((sample[i] as number) - EDGE_LO) / BIN_WIDTH);
    out[at + i] = clipIndex(Math.fround(Math.floor(q) + 1), FIXED_BINS - 1);
  }
}

/**
 * The data-range histogram of `sample` as distributions.ts's device rangeBins gives it on wasm:
 * returns [min, max] (tf.min/tf.max on wasm: NaN if any element is NaN; of equal values, e.g. −0 and +0, the first) and writes every
 * element's bin clip(⌊(v − min)/w⌋, 0, B − 1), w = max((max − min)/B, 1e-30) in float32, to `out`
 * from `at`. Where a bound is not finite the bins are written but never read (readRange gives null).
 * @param sample 1-D float32, at least one element
 */
export function rangeBinsHost(sample: Float32Array, out: Float32Array, at: number): [number, number] {
  let lo = sample[0] as number;
  let hi = lo;
  for (let i = 1; i < sample.length; i++) {
    const v = sample[i] as number;
    // A NaN wins and stays (tf.min/tf.max on wasm propagate it); otherwise the first of equal values stays.
    if (v < lo || v !== v) lo = v;
    if (v > hi || v !== v) hi = v;
  }
  const span = Math.fround(Math.fround(hi - lo) / RANGE_HISTOGRAM_BINS);
  const width = span > TINY_WIDTH || Number.isNaN(span) ? span : TINY_WIDTH;
  for (let i = 0; i < sample.length; i++) {
    out[at + i] = clipIndex(Math.floor(Math.fround(Math.fround((sample[i] as number) - lo) / width)), RANGE_HISTOGRAM_BINS - 1);
  }
  return [lo, hi];
}
