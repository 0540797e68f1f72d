import { DISTRIBUTION_PERCENTILES, type LayerStatsRecord } from '../../../contract/index.js';

/** Whose distribution is drawn: the layer's main weight after each recorded step, or its gradient at that step. */
export type DistributionKind = 'weight' | 'gradient';

/** One layer's percentile bands over the recorded steps (TensorBoard's "distributions" view). */
export interface DistributionSeries {
  /** Recorded steps that have percentiles for this layer, in order. */
  steps: number[];
  /**
   * `percentiles[j][t]`: DISTRIBUTION_PERCENTILES[j] at steps[t] (j = 0 is the min, 4 the median,
   * 8 the max).
   */
  percentiles: number[][];
}

/** The nested bands, outermost first, as index pairs into DISTRIBUTION_PERCENTILES: min–max, ±1.5σ, ±1σ, ±0.5σ. */
export const BANDS: readonly (readonly [number, number])[] = [
  [0, 8],
  [1, 7],
  [2, 6],
  [3, 5],
];
/** Index of the median in DISTRIBUTION_PERCENTILES. */
export const MEDIAN = 4;

/**
 * The percentile series of layer `index` (its LayerStats.index) over `records`: steps whose record
 * has no such percentiles (a layer without weights, a record stored before they existed) are skipped.
 */
export function distributionSeries(records: readonly LayerStatsRecord[], index: number, kind: DistributionKind): DistributionSeries {
  const steps: number[] = [];
  const percentiles: number[][] = DISTRIBUTION_PERCENTILES.map(() => []);
  for (const record of records) {
    const layer = record.layers.find((l) => l.index === index);
    const values = kind === 'weight' ? layer?.weightPercentiles : layer?.gradientPercentiles;
    if (!values || values.length !== DISTRIBUTION_PERCENTILES.length) continue;
    steps.push(record.step);
    values.forEach((v, j) => percentiles[j]!.push(v));
  }
  return { steps, percentiles };
}

/** Layers (name and index) that have percentiles in some record, in network order. */
export function layersWithDistributions(records: readonly LayerStatsRecord[]): { layer: string; index: number }[] {
  const seen = new Map<number, string>();
  for (const record of records) {
    for (const l of record.layers) if (l.weightPercentiles && !seen.has(l.index)) seen.set(l.index, l.layer);
  }
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([index, layer]) => ({ layer, index }));
}
