import { HISTOGRAM_EDGES, SATURATION_THRESHOLD, type ActivationSpec } from '../../contract/index.js';
import { PERCENTILE_COUNT, percentiles, rangeBins, strided } from './distributions.js';
import { BINS, HISTOGRAM_SAMPLE, mainWeight, type FlatLayerStats } from './layer-stats-layout.js';
import type { Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';

const EDGE_LO = HISTOGRAM_EDGES[0] as number;
const BIN_WIDTH = (HISTOGRAM_EDGES[HISTOGRAM_EDGES.length - 1]! - EDGE_LO) / (HISTOGRAM_EDGES.length - 1);

/**
 * The fixed-edge histogram bin of every element of `sample` (1-D) over HISTOGRAM_EDGES, as int32:
 * bin = clip(⌊(v − lo)/width⌋ + 1, 0, 21), so bin 0 is (−∞, lo) and the last bin [hi, ∞).
 * Counted on the host with binFractions.
 */
function histogramBins(tf: TF, sample: Tensor): Tensor {
  return tf.cast(tf.clipByValue(tf.add(tf.floor(tf.div(tf.sub(sample, EDGE_LO), BIN_WIDTH)), 1), 0, BINS - 1), 'int32');
}

/** Fraction of saturated elements of an activation's output, or null where saturation is undefined. */
function saturatedFraction(tf: TF, y: Tensor, activation: ActivationSpec | null): Tensor | null {
  const hi = SATURATION_THRESHOLD;
  const lo = 1 - SATURATION_THRESHOLD;
  const frac = (mask: Tensor) => tf.mean(tf.cast(mask, 'float32'));
  switch (activation?.name) {
    case 'tanh':
      return frac(tf.greater(tf.abs(y), hi));
    case 'sigmoid':
      return frac(tf.logicalOr(tf.less(y, lo), tf.greater(y, hi)));
    case 'hardSigmoid':
      return frac(tf.logicalOr(tf.lessEqual(y, 0), tf.greaterEqual(y, 1)));
    default:
      return null;
  }
}

/**
 * A per-layer statistics record (see computeLayerStats) computed with tf ops in one tf.tidy and read
 * back with one device read, into the flat layout of layer-stats-layout.ts. Any backend; on wasm,
 * computeLayerStatsOnHost gives the same bits with far fewer ops.
 * @param probe [P, ...inputShape]
 */
export async function computeLayerStatsOnDevice(
  tf: TF,
  model: Model,
  probe: Tensor,
  grads: Record<string, Tensor> | null,
  before: ReadonlyMap<string, Tensor> | null,
): Promise<FlatLayerStats> {
  const saturationDefined: boolean[] = [];
  const sampleSizes: number[] = [];
  const flat = tf.tidy(() => {
    const { activations } = model.forward(probe, { training: false, collectActivations: true });
    const zero = tf.zeros([1]);
    const binParts: Tensor[] = [];
    const parts = model.layers.map((layer, i) => {
      const y = activations![i]!;
      const units = layer.outputShape[layer.outputShape.length - 1] as number;
      const values = tf.reshape(y, [-1]);
      const { mean, variance } = tf.moments(values);
      const zeroFraction = tf.mean(tf.cast(tf.equal(values, 0), 'float32'));
      const perUnitMax = tf.max(tf.abs(tf.reshape(y, [-1, units])), 0);
      const deadFraction = tf.mean(tf.cast(tf.equal(perUnitMax, 0), 'float32'));
      const saturated = saturatedFraction(tf, y, layer.activation);
      saturationDefined.push(saturated !== null);
      const w = mainWeight(layer);
      const weightStd = w ? tf.sqrt(tf.moments(w).variance) : zero;
      let gradSq: Tensor = zero;
      if (grads) {
        for (const p of layer.params) {
          const g = grads[p.variable.name];
          if (g) gradSq = tf.add(gradSq, tf.sum(tf.square(g)));
        }
      }
      const old = w ? before?.get(w.name) : undefined;
      const l2 = (t: Tensor) => tf.sqrt(tf.sum(tf.square(t)));
      const ratio = w && old ? tf.div(l2(tf.sub(w, old)), l2(old)) : zero;
      const g = w ? grads?.[w.name] : undefined;
      const noPercentiles = tf.zeros([PERCENTILE_COUNT]);
      const sample = strided(tf, values, HISTOGRAM_SAMPLE);
      const range = rangeBins(tf, sample);
      sampleSizes.push(sample.size);
      binParts.push(histogramBins(tf, sample), range.bins);
      return tf.concat([
        tf.reshape(tf.stack([mean, tf.sqrt(variance), zeroFraction, deadFraction, saturated ?? tf.scalar(0)]), [-1]),
        tf.reshape(weightStd, [-1]),
        tf.reshape(tf.sqrt(gradSq), [-1]),
        tf.reshape(ratio, [-1]),
        tf.reshape(range.bounds, [-1]),
        w ? percentiles(tf, tf.reshape(w, [-1])) : noPercentiles,
        g ? percentiles(tf, tf.reshape(g, [-1])) : noPercentiles,
      ]);
    });
    // The bin indices (small integers, exact in float32) after every layer's values: one read.
    return tf.concat([...parts, ...binParts.map((b) => tf.cast(b, 'float32'))]);
  });
  try {
    return { values: (await flat.data()) as Float32Array, saturationDefined, sampleSizes };
  } finally {
    flat.dispose();
  }
}
