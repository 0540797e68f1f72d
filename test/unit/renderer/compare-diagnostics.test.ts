import { describe, expect, it } from 'vitest';
import type { LayerStats, LayerStatsRecord } from '../../../contract/index.js';
import { comparisonCsv, configDiff, epochsToTarget, groupBySeed, seedBand, valueAt } from '../../../renderer/src/lib/compare.js';
import { diagnose, gridRange, heatGrid } from '../../../renderer/src/lib/diagnostics.js';
import { experiment, point, summary } from './fixtures.js';

describe('comparison maths', () => {
  it('draws runs that differ only by seed as mean ± sample std per epoch', () => {
    const a = summary('a');
    const b = summary('b', { experiment: { ...experiment(), train: { ...experiment().train, seed: 2 } } });
    const c = summary('c', { experiment: { ...experiment(), train: { ...experiment().train, epochs: 5 } } });
    expect(groupBySeed([a, b, c]).map((g) => g.map((r) => r.id))).toEqual([['a', 'b'], ['c']]);
    const curve = (values: number[]) => values.map((v, i) => ({ ...point(i + 1), valAcc: v }));
    const band = seedBand([curve([0.5, 0.6]), curve([0.7, 0.8]), curve([0.6])], 'valAcc');
    expect(band[0]!.mean).toBeCloseTo(0.6, 12);
    expect(band[0]!.std).toBeCloseTo(0.1, 12); // sqrt(((-.1)² + .1² + 0²)/2)
    expect(band[1]).toMatchObject({ epoch: 2, n: 2 });
    expect(band[1]!.std).toBeCloseTo(Math.sqrt(0.02), 12);
  });

  it('finds the epoch a target is first reached and the value at a time', () => {
    const pts = [0.5, 0.8, 0.92, 0.9].map((v, i) => ({ ...point(i + 1), valAcc: v, valLoss: 1 - v }));
    expect(epochsToTarget(pts, 0.9)).toBe(3);
    expect(epochsToTarget(pts, 0.95)).toBeNull();
    expect(epochsToTarget(pts, 0.2, 'valLoss')).toBe(2);
    expect(valueAt(pts, 2, 'valAcc')).toBe(0.8);
    expect(valueAt(pts, 0, 'valAcc')).toBeNull();
  });

  it('diffs configurations field by field and writes CSV with quoted names', () => {
    const a = experiment();
    const b = structuredClone(a);
    const layer = b.network.layers[0]!;
    if (layer.type === 'dense') layer.kernelInitializer = { name: 'heNormal' };
    const rows = configDiff([a, b]);
    expect(rows.filter((r) => r.differs).map((r) => r.path)).toEqual(['network.layers.0.kernelInitializer.name']);
    const csv = comparisonCsv([summary('x', { name: 'a, "b"' })], () => [point(1)]);
    expect(csv.split('\n')[1]).toBe('x,"a, ""b""",1,1,25,0.5,0.501,0.55,0.491,100');
  });
});

function stats(layer: string, index: number, overrides: Partial<LayerStats>): LayerStats {
  return {
    layer,
    index,
    activationMean: 0,
    activationStd: 0.5,
    zeroFraction: 0,
    deadFraction: 0,
    saturatedFraction: null,
    histogram: [],
    weightStd: 0.1,
    gradientNorm: 0.1,
    updateRatio: 1e-3,
    ...overrides,
  };
}

describe('diagnosis', () => {
  it('is quiet for a healthy network and names vanishing gradients, dead ReLUs and saturation', () => {
    const healthy: LayerStatsRecord = { step: 10, epoch: 1, layers: [stats('dense_0', 0, {}), stats('dense_1', 1, {})] };
    expect(diagnose([healthy])).toEqual([]);
    const sick: LayerStatsRecord = {
      step: 20,
      epoch: 2,
      layers: [
        stats('dense_0', 0, { gradientNorm: 1e-6, saturatedFraction: 0.8 }),
        stats('dense_1', 1, { deadFraction: 0.6 }),
        stats('dense_2', 2, { gradientNorm: 0.5 }),
      ],
    };
    const findings = diagnose([healthy, sick], { status: 'diverged', divergedAtStep: 21, divergedLayer: 'dense_0' });
    expect(findings.map((f) => f.kind)).toEqual(['diverged', 'vanishingGradients', 'deadRelu', 'saturation']);
    expect(findings[0]!.params.step).toBe(21);
    expect(findings[1]!.params.factor).toBe('500,000'); // the first layer's 1e-6 is 1/500,000 of the last layer's 0.5
    expect(findings[2]!.params).toMatchObject({ pct: 60, layer: 'dense_1', n: 1 });
  });

  it('builds depth × time grids and one colour range over several runs', () => {
    const records: LayerStatsRecord[] = [1, 2, 3].map((step) => ({
      step,
      epoch: 0,
      layers: [stats('a', 0, { activationStd: step }), stats('b', 1, { activationStd: step * 10 })],
    }));
    const grid = heatGrid(records, 'activationStd');
    expect(grid).toEqual({
      layers: ['a', 'b'],
      steps: [1, 2, 3],
      values: [
        [1, 10],
        [2, 20],
        [3, 30],
      ],
    });
    expect(gridRange([grid, heatGrid(records.slice(0, 1), 'deadFraction')])).toEqual({ min: 0, max: 30 });
  });
});

describe('heat grid sampling', () => {
  it('keeps at most the column limit, evenly spaced, with the first and last record', async () => {
    const { heatGrid, evenIndices } = await import('../../../renderer/src/lib/diagnostics.js');
    expect(evenIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(evenIndices(101, 5)).toEqual([0, 25, 50, 75, 100]);
    const records = Array.from({ length: 1000 }, (_, i) => ({
      step: i * 50 + 1,
      epoch: i,
      layers: [{ layer: 'dense_0', activationStd: i } as never],
    }));
    const grid = heatGrid(records, 'activationStd', 40);
    expect(grid.steps).toHaveLength(40);
    expect(grid.steps[0]).toBe(1);
    expect(grid.steps.at(-1)).toBe(999 * 50 + 1);
    expect(grid.values.map((row) => row[0])).toEqual(evenIndices(1000, 40));
  });
});
