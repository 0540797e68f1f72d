import { DISTRIBUTION_PERCENTILES, RANGE_HISTOGRAM_BINS } from '../../contract/index.js';
import type { Tensor, TF } from '../tf.js';

/** Values per percentile vector (see DISTRIBUTION_PERCENTILES). */
export const PERCENTILE_COUNT = DISTRIBUTION_PERCENTILES.length;
/** At most this many elements (evenly strided) go into a percentile computation. */
export const PERCENTILE_SAMPLE = 16384;
/** Bin width used when every binned value is equal (all of them land in bin 0). */
const TINY_WIDTH = 1e-30;

/**
 * Every `⌈n / max⌉`-th element of a 1-D tensor (all of them when n ≤ max), in order.
 * @param values 1-D
 */
export function strided(tf: TF, values: Tensor, max: number): Tensor {
  const n = values.size;
  const stride = Math.max(1, Math.ceil(n / max));
  return stride > 1 ? tf.stridedSlice(values, [0], [n], [stride]) : values;
}

/**
 * Every `⌈n / max⌉`-th value of a float32 tensor (all of them when n ≤ max), in order — the elements
 * {@link strided} selects — read on the host: on wasm straight from the tensor's buffer on the heap (no
 * kernel: the stock StridedSlice took ~0.6–1.1 ms per call, six per record), elsewhere from dataSync().
 * @param t any shape, float32; read in row-major order
 */
export function stridedValues(tf: TF, t: Tensor, max: number): Float32Array {
  const backend = tf.backend() as { typedArrayFromHeap?: (t: Tensor) => Float32Array };
  const onHeap = tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' && t.dtype === 'float32';
  const all = onHeap ? backend.typedArrayFromHeap!(t) : (t.dataSync() as Float32Array);
  const n = all.length;
  const stride = Math.max(1, Math.ceil(n / max));
  const out = new Float32Array(Math.ceil(n / stride));
  for (let i = 0, j = 0; i < n; i += stride, j++) out[j] = all[i] as number;
  return out;
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
    const right = ks.filter((k) => k > gt);
    if (left.length > 0) selectInPlace(a, lo, lt - 1, left);
    ks = right;
    lo = gt + 1;
  }
  if (ks.length > 0) a.subarray(lo, hi + 1).sort();
}

/**
 * DISTRIBUTION_PERCENTILES of a sample (see {@link stridedValues}: at most PERCENTILE_SAMPLE evenly
 * strided elements), computed on the host: numpy's default 'linear' method, i.e. with the sample sorted
 * ascending as s₀ ≤ … ≤ s₍ₙ₋₁₎, percentile p is s_⌊h⌋ + (h − ⌊h⌋)(s_⌈h⌉ − s_⌊h⌋) with h = p/100·(n − 1),
 * each operation rounded to float32 as the device computed it before (a tf.topk sort: ~8 ms per 16,384
 * elements on wasm warm, ~24 ms cold). Only the order statistics it needs are selected, not the whole
 * sample sorted. The same values as the device's, so the same bits, up to the sign of a zero (which
 * JSON does not keep). Null when the sample holds a NaN (its order is undefined) or is empty.
 * @param sample float32 values (not modified)
 */
export function percentilesOnHost(sample: Float32Array): number[] | null {
  const n = sample.length;
  if (n === 0 || sample.some(Number.isNaN)) return null;
  const positions = DISTRIBUTION_PERCENTILES.map((p) => {
    const h = (p / 100) * (n - 1);
    const l = Math.floor(h);
    return { l, u: Math.min(n - 1, l + 1), frac: h - l };
  });
  const a = Float32Array.from(sample);
  selectInPlace(
    a,
    0,
    n - 1,
    [...new Set(positions.flatMap(({ l, u }) => [l, u]))].sort((x, y) => x - y),
  );
  return positions.map(({ l, u, frac }) => {
    const lo = a[l] as number;
    const hi = a[u] as number;
    return Math.fround(lo + Math.fround(Math.fround(hi - lo) * Math.fround(frac)));
  });
}

/**
 * The bin of every element of a 1-D tensor for its data-range histogram, computed on the device:
 * `bounds` = [min, max] (float32 [2]) and `bins` = clip(⌊(v − min)/w⌋, 0, B − 1) as int32 [n] with
 * w = max((max − min)/B, 1e-30), B = RANGE_HISTOGRAM_BINS (so max falls in the last bin; all in bin 0
 * when max = min). {@link binFractions} counts them on the host. Call inside a tf.tidy.
 * @param sample 1-D, at least one element
 */
export function rangeBins(tf: TF, sample: Tensor): { bounds: Tensor; bins: Tensor } {
  const lo = tf.min(sample);
  const hi = tf.max(sample);
  const width = tf.maximum(tf.div(tf.sub(hi, lo), RANGE_HISTOGRAM_BINS), TINY_WIDTH);
  const bins = tf.cast(tf.clipByValue(tf.floor(tf.div(tf.sub(sample, lo), width)), 0, RANGE_HISTOGRAM_BINS - 1), 'int32');
  return { bounds: tf.stack([lo, hi]), bins };
}

/**
 * The fraction of `bins[offset .. offset + length)` in each of `binCount` bins, as float32 values
 * (count / length rounded to float32, the bits a float32 device division gives). An index outside
 * [0, binCount) — a NaN element's bin — counts in no bin, as a one-hot sum would count it.
 * Replaces a one-hot [n, B] tensor summed over its first axis, which cost ~5–10 ms per histogram on
 * wasm (never warmed by the JIT: it ran a few times a run).
 * @param bins bin indices (int32 values, possibly read back as float32), from the device
 */
export function binFractions(bins: ArrayLike<number>, offset: number, length: number, binCount: number): number[] {
  const counts = new Array<number>(binCount).fill(0);
  for (let i = offset; i < offset + length; i++) {
    const b = bins[i] as number;
    if (b >= 0 && b < binCount) counts[b]! += 1;
  }
  return counts.map((c) => Math.fround(c / length));
}

/**
 * A data-range histogram from its bounds read back ([min, max]) and its bin fractions (binFractions),
 * or null if a bound is not finite.
 */
export function readRange(min: number, max: number, counts: number[]): { min: number; max: number; counts: number[] } | null {
  if (!Number.isFinite(min) || !Number.isFinite(max) || !counts.every(Number.isFinite)) return null;
  return { min, max, counts };
}
