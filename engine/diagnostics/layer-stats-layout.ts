import { HISTOGRAM_EDGES, RANGE_HISTOGRAM_BINS, type LayerStats } from '../../contract/index.js';
import { binFractions, PERCENTILE_COUNT, readRange } from './distributions.js';
import type { Layer } from '../layers/types.js';
import type { Model } from '../model.js';
import type { Tensor } from '../tf.js';

/**
 * The flat float32 vector a per-layer statistics record is computed into (on the device or on the
 * host), and its reading into LayerStats. Per layer, STRIDE values: 8 scalars (activation mean, std,
 * zero fraction, dead fraction, saturated fraction, weight std, gradient norm, update ratio), the
 * histogram sample's range [min, max], then the weight's and the gradient's percentiles. After all
 * layers' values, per layer, its histogram sample's fixed-edge bin indices, then its range bin indices.
 */
const SCALARS = 8;
/** Bins of the fixed-edge histogram (HISTOGRAM_EDGES: below, 20 inside, above). */
export const BINS = HISTOGRAM_EDGES.length + 1;
/** Offsets inside a layer's values. */
export const RANGE_AT = SCALARS;
export const WEIGHT_PCT_AT = RANGE_AT + 2;
export const GRAD_PCT_AT = WEIGHT_PCT_AT + PERCENTILE_COUNT;
/** Values per layer before the bin indices. */
export const STRIDE = GRAD_PCT_AT + PERCENTILE_COUNT;
/** At most this many output elements per layer (evenly strided) go into the histograms. */
export const HISTOGRAM_SAMPLE = 16384;

/** A computed record: the flat vector and what reading it needs. */
export interface FlatLayerStats {
  /** Layout above; bin indices as float32 values. */
  values: Float32Array;
  /** Per layer, whether its activation defines saturation. */
  saturationDefined: boolean[];
  /** Per layer, its histogram sample's length. */
  sampleSizes: number[];
}

/** The main weight of a layer (kernel, or γ for batchNorm), or null. */
export function mainWeight(layer: Layer) {
  return layer.params[0]?.variable ?? null;
}

/** The values as numbers, or null if any is not finite. */
function finiteList(values: Float32Array): number[] | null {
  const list = Array.from(values);
  return list.every(Number.isFinite) ? list : null;
}

/**
 * Reads a flat record into one LayerStats per layer (non-finite values become null; the histograms
 * are counted from the bin indices with binFractions).
 */
export function readLayerStats(
  model: Model,
  flat: FlatLayerStats,
  grads: Record<string, Tensor> | null,
  before: ReadonlyMap<string, Tensor> | null,
): LayerStats[] {
  const v = flat.values;
  const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
  let binsAt = model.layers.length * STRIDE;
  return model.layers.map((layer, i) => {
    const o = i * STRIDE;
    const n = flat.sampleSizes[i] as number;
    const histogram = binFractions(v, binsAt, n, BINS);
    const rangeCounts = binFractions(v, binsAt + n, n, RANGE_HISTOGRAM_BINS);
    binsAt += 2 * n;
    const w = mainWeight(layer);
    return {
      layer: layer.name,
      index: layer.index,
      activationMean: num(v[o] as number),
      activationStd: num(v[o + 1] as number),
      zeroFraction: num(v[o + 2] as number),
      deadFraction: num(v[o + 3] as number),
      saturatedFraction: flat.saturationDefined[i] ? num(v[o + 4] as number) : null,
      histogram,
      weightStd: w ? num(v[o + 5] as number) : null,
      gradientNorm: grads && layer.params.length > 0 ? num(v[o + 6] as number) : null,
      updateRatio: w && before?.has(w.name) ? num(v[o + 7] as number) : null,
      rangeHistogram: readRange(v[o + RANGE_AT] as number, v[o + RANGE_AT + 1] as number, rangeCounts),
      weightPercentiles: w ? finiteList(v.subarray(o + WEIGHT_PCT_AT, o + GRAD_PCT_AT)) : null,
      gradientPercentiles: w && grads?.[w.name] ? finiteList(v.subarray(o + GRAD_PCT_AT, o + STRIDE)) : null,
    };
  });
}
