import { HISTOGRAM_EDGES, RANGE_HISTOGRAM_BINS, SATURATION_THRESHOLD, type ActivationSpec, type LayerStats } from '../../contract/index.js';
import { binFractions, PERCENTILE_SAMPLE, percentilesOnHost, rangeBins, readRange, strided, stridedValues } from './distributions.js';
import type { Layer } from '../layers/types.js';
import type { Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';

/**
 * Values per layer in the flat read-back vector: 8 scalars, then the data range [min, max]. The
 * histograms' bin indices follow all layers' values (see computeLayerStats) and are counted on the
 * host; the percentiles are computed on the host from samples read where the tensors lie.
 */
const SCALARS = 8;
const BINS = HISTOGRAM_EDGES.length + 1;
const RANGE_AT = SCALARS;
const STRIDE = RANGE_AT + 2;
/** At most this many output elements per layer (evenly strided) go into the histograms. */
export const HISTOGRAM_SAMPLE = 16384;
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

/** The values, or null if there are none or any is not finite. */
function finite(list: number[] | null): number[] | null {
  return list && list.every(Number.isFinite) ? list : null;
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

/** The main weight of a layer (kernel, or γ for batchNorm), or null. */
export function mainWeight(layer: Layer) {
  return layer.params[0]?.variable ?? null;
}

/**
 * Per-layer statistics of one recorded step (see contract LayerStats), computed in one tf.tidy and
 * read back with one device read.
 * - activation statistics: the model's forward pass on `probe` ([P, ...inputShape]) in inference
 *   mode; every element of each layer's output counts (the histogram: up to HISTOGRAM_SAMPLE evenly
 *   strided elements); units are the last axis;
 * - gradientNorm: √Σ‖g‖² over the layer's parameters, from `grads` (keyed by variable name);
 * - weightStd and updateRatio = ‖W − W_before‖/‖W_before‖ of the main weight, with `before` its
 *   value before this step's update (keyed by variable name);
 * - rangeHistogram: the output histogram over the binned elements' own [min, max] (distributions.ts);
 * - weightPercentiles / gradientPercentiles: DISTRIBUTION_PERCENTILES of the main weight after the
 *   update and of its gradient (at most PERCENTILE_SAMPLE evenly strided elements each, read on the
 *   host: distributions.ts stridedValues, percentilesOnHost).
 * Without `grads`/`before` the gradient and update fields are null.
 */
export async function computeLayerStats(
  tf: TF,
  model: Model,
  probe: Tensor,
  grads: Record<string, Tensor> | null,
  before: ReadonlyMap<string, Tensor> | null,
): Promise<LayerStats[]> {
  const saturationDefined: boolean[] = [];
  /** Per layer: the histogram sample's length (its fixed-edge bins, then its range bins, follow the values). */
  const sampleSizes: number[] = [];
  // Percentiles of each main weight (after the update) and its gradient, from samples read on the host.
  const percentilesOf = (t: Tensor | undefined | null) => (t ? percentilesOnHost(stridedValues(tf, t, PERCENTILE_SAMPLE)) : null);
  const weightPercentiles = model.layers.map((layer) => percentilesOf(mainWeight(layer)));
  const gradientPercentiles = model.layers.map((layer) => {
    const w = mainWeight(layer);
    return percentilesOf(w ? grads?.[w.name] : null);
  });
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
      ]);
    });
    // The bin indices (small integers, exact in float32) after every layer's values: one read.
    return tf.concat([...parts, ...binParts.map((b) => tf.cast(b, 'float32'))]);
  });
  let v: Float32Array;
  try {
    v = (await flat.data()) as Float32Array;
  } finally {
    flat.dispose();
  }
  const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
  let binsAt = model.layers.length * STRIDE;
  return model.layers.map((layer, i) => {
    const o = i * STRIDE;
    const n = sampleSizes[i] as number;
    const histogram = binFractions(v, binsAt, n, BINS);
    const rangeCounts = binFractions(v, binsAt + n, n, RANGE_HISTOGRAM_BINS);
    binsAt += 2 * n;
    const hasWeights = mainWeight(layer) !== null;
    const w = mainWeight(layer);
    return {
      layer: layer.name,
      index: layer.index,
      activationMean: num(v[o] as number),
      activationStd: num(v[o + 1] as number),
      zeroFraction: num(v[o + 2] as number),
      deadFraction: num(v[o + 3] as number),
      saturatedFraction: saturationDefined[i] ? num(v[o + 4] as number) : null,
      histogram,
      weightStd: hasWeights ? num(v[o + 5] as number) : null,
      gradientNorm: grads && layer.params.length > 0 ? num(v[o + 6] as number) : null,
      updateRatio: w && before?.has(w.name) ? num(v[o + 7] as number) : null,
      rangeHistogram: readRange(v[o + RANGE_AT] as number, v[o + RANGE_AT + 1] as number, rangeCounts),
      weightPercentiles: w ? finite(weightPercentiles[i] ?? null) : null,
      gradientPercentiles: w && grads?.[w.name] ? finite(gradientPercentiles[i] ?? null) : null,
    };
  });
}
