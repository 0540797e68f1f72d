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
 * DISTRIBUTION_PERCENTILES of a 1-D tensor (at most PERCENTILE_SAMPLE evenly strided elements), as a
 * [PERCENTILE_COUNT] float32 tensor: numpy's default 'linear' method, i.e. with the sample sorted
 * ascending as s₀ ≤ … ≤ s₍ₙ₋₁₎, percentile p is s_⌊h⌋ + (h − ⌊h⌋)(s_⌈h⌉ − s_⌊h⌋) with h = p/100·(n − 1).
 * Sorted with tf.topk (descending). Call inside a tf.tidy.
 * @param values 1-D, at least one element
 */
export function percentiles(tf: TF, values: Tensor): Tensor {
  const sample = strided(tf, values, PERCENTILE_SAMPLE);
  const n = sample.size;
  const descending = tf.topk(sample as Parameters<TF['topk']>[0], n, true).values;
  const lo: number[] = [];
  const hi: number[] = [];
  const frac: number[] = [];
  for (const p of DISTRIBUTION_PERCENTILES) {
    const h = (p / 100) * (n - 1);
    const l = Math.floor(h);
    lo.push(n - 1 - l);
    hi.push(n - 1 - Math.min(n - 1, l + 1));
    frac.push(h - l);
  }
  const a = tf.gather(descending, tf.tensor1d(lo, 'int32'));
  const b = tf.gather(descending, tf.tensor1d(hi, 'int32'));
  return tf.add(a, tf.mul(tf.sub(b, a), tf.tensor1d(frac, 'float32')));
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
