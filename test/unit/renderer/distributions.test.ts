import { describe, expect, it } from 'vitest';
import { HISTOGRAM_EDGES, type LayerStats, type LayerStatsRecord } from '../../../contract/index.js';
import { distributionSeries, layersWithDistributions } from '../../../renderer/src/lib/distributions.js';

const base = (index: number, extra: Partial<LayerStats>): LayerStats => ({
  layer: `dense_${index}`,
  index,
  activationMean: 0,
  activationStd: 1,
  zeroFraction: 0,
  deadFraction: 0,
  saturatedFraction: null,
  histogram: new Array<number>(HISTOGRAM_EDGES.length + 1).fill(0),
  weightStd: 0.1,
  gradientNorm: 0.1,
  updateRatio: 0.01,
  ...extra,
});
const pct = (scale: number) => [-4, -3, -2, -1, 0, 1, 2, 3, 4].map((v) => v * scale);

describe('distributionSeries', () => {
  it('collects one layer’s percentiles over the steps that have them, weight or gradient', () => {
    const records: LayerStatsRecord[] = [
      { step: 1, epoch: 0, layers: [base(0, {}), base(2, {})] }, // stored before percentiles existed
      { step: 5, epoch: 0, layers: [base(0, { weightPercentiles: pct(1), gradientPercentiles: pct(0.1) }), base(2, { weightPercentiles: pct(2) })] },
      { step: 10, epoch: 1, layers: [base(0, { weightPercentiles: pct(3), gradientPercentiles: null }), base(2, { weightPercentiles: pct(4) })] },
    ];
    const w = distributionSeries(records, 2, 'weight');
    expect(w.steps).toEqual([5, 10]);
    expect(w.percentiles.map((p) => p)).toEqual(pct(1).map((_, j) => [pct(2)[j], pct(4)[j]]));
    const g = distributionSeries(records, 0, 'gradient');
    expect(g.steps).toEqual([5]);
    expect(g.percentiles[8]).toEqual([0.4]);
    expect(layersWithDistributions(records)).toEqual([
      { layer: 'dense_0', index: 0 },
      { layer: 'dense_2', index: 2 },
    ]);
  });
});
