import { DISTRIBUTION_PERCENTILES, RANGE_HISTOGRAM_BINS } from '../../contract/index.js';
import type { Tensor, TF } from '../tf.js';

/** Values per percentile vector (see DISTRIBUTION_PERCENTILES). */
export const PERCENTILE_COUNT = DISTRIBUTION_PERCENTILES.length;
/** Values per data-range histogram in a read-back vector: min, max, then RANGE_HISTOGRAM_BINS fractions. */
export const RANGE_STRIDE = 2 + RANGE_HISTOGRAM_BINS;
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
 * The data-range histogram of a 1-D tensor as a [RANGE_STRIDE] float32 tensor: min, max, then the
 * fraction of elements in each of RANGE_HISTOGRAM_BINS equal bins over [min, max]:
 * bin = clip(⌊(v − min)/w⌋, 0, B − 1) with w = (max − min)/B (so max falls in the last bin; all in
 * bin 0 when max = min). Call inside a tf.tidy.
 * @param sample 1-D, at least one element
 */
export function rangeHistogram(tf: TF, sample: Tensor): Tensor {
  const lo = tf.min(sample);
  const hi = tf.max(sample);
  const width = tf.maximum(tf.div(tf.sub(hi, lo), RANGE_HISTOGRAM_BINS), TINY_WIDTH);
  const bins = tf.cast(tf.clipByValue(tf.floor(tf.div(tf.sub(sample, lo), width)), 0, RANGE_HISTOGRAM_BINS - 1), 'int32');
  const fractions = tf.div(tf.sum(tf.oneHot(bins, RANGE_HISTOGRAM_BINS), 0), sample.size);
  return tf.concat([tf.reshape(tf.stack([lo, hi]), [-1]), tf.cast(fractions, 'float32')]);
}

/** A data-range histogram read back from the RANGE_STRIDE values {@link rangeHistogram} computed, or null if not finite. */
export function readRange(values: Float32Array): { min: number; max: number; counts: number[] } | null {
  const list = Array.from(values);
  if (!list.every(Number.isFinite)) return null;
  return { min: list[0] as number, max: list[1] as number, counts: list.slice(2) };
}
