import { describe, expect, it } from 'vitest';
import { RunStatus, type SweepCounts } from '../../../contract/index.js';
import { welchTTest } from '../../../main/services/stats/index.js';
import { planSweep } from '../../../main/services/sweep-expand.js';
import { sweepProgress } from '../../../main/services/sweep-progress.js';
import { buildSweepSummary } from '../../../main/services/sweep-summary.js';
import type { StoredSweep, StoredSweepRun } from '../../../main/store/index.js';
import { tinySweep } from './helpers.js';

const spec = tinySweep({ axes: { initializer: [{ name: 'glorotNormal' }, { name: 'heNormal' }], activation: [{ name: 'tanh' }, { name: 'relu' }], seeds: 3 } });
const sweep: StoredSweep = {
  id: 'sw',
  name: 'tiny',
  status: 'completed',
  ownerId: null,
  spec,
  axes: planSweep(spec).axes,
  totalRuns: 12,
  createdAt: '2025-01-01T00:00:00.000Z',
  finishedAt: null,
};

/** Final valAcc per (initializer, activation) cell over 3 seeds; null = diverged. */
const table: Record<string, (number | null)[]> = {
  '0,0': [0.9, 0.92, 0.91],
  '0,1': [0.8, 0.85, null],
  '1,0': [0.95, 0.96, 0.94],
  '1,1': [0.7, 0.6, 0.75],
};
const runs: StoredSweepRun[] = Object.entries(table).flatMap(([key, values]) => {
  const [initializer, activation] = key.split(',').map(Number) as [number, number];
  return values.map((valAcc, seedIndex) => ({
    runId: `r${key}-${seedIndex}`,
    position: seedIndex * 4 + initializer * 2 + activation,
    seedIndex,
    seed: 11 + seedIndex,
    coords: { initializer, activation },
    status: valAcc === null ? ('diverged' as const) : ('completed' as const),
    epochsDone: 3,
    metrics: { trainLoss: null, trainAcc: null, valLoss: valAcc === null ? null : 1 - valAcc, valAcc: valAcc ?? 0.5 },
    divergedAtStep: valAcc === null ? 7 : null,
    error: null,
  }));
});
const counts = Object.fromEntries(RunStatus.options.map((s) => [s, 0])) as SweepCounts;
counts.completed = 11;
counts.diverged = 1;
const progress = sweepProgress('sw', 'completed', 12, counts, null, 0);
const firstEpochToTarget = new Map([
  ['r1,0-0', 1],
  ['r1,0-1', 2],
  ['r0,0-2', 3],
]);
const summarise = (extra: Partial<Parameters<typeof buildSweepSummary>[0]> = {}) =>
  buildSweepSummary({ sweep, runs, progress, firstEpochToTarget, targetAccuracy: 0.9, metric: 'valAcc', ...extra });

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('sweep summary', () => {
  it('ranks cells by mean over seeds, counts diverged runs and tests the best cell against each other', () => {
    const s = summarise();
    expect(s.ranked.map((c) => c.labels)).toEqual([
      { initializer: 'heNormal', activation: 'tanh' },
      { initializer: 'glorotNormal', activation: 'tanh' },
      { initializer: 'glorotNormal', activation: 'relu' },
      { initializer: 'heNormal', activation: 'relu' },
    ]);
    const [best, second, third] = s.ranked;
    expect(best).toMatchObject({ rank: 1, n: 3, diverged: 0, welchVsBest: null, reachedTarget: 2, meanEpochsToTarget: 1.5 });
    expect(best!.mean).toBeCloseTo(0.95, 12);
    expect(best!.std).toBeCloseTo(0.01, 12); // values 0.94, 0.95, 0.96
    // The diverged run is counted, not averaged: the cell's mean is over its two completed seeds.
    expect(third).toMatchObject({ n: 2, diverged: 1, rank: 3 });
    expect(third!.mean).toBeCloseTo(0.825, 12);
    const expected = welchTTest([0.95, 0.96, 0.94], [0.9, 0.92, 0.91])!;
    expect(second!.welchVsBest!.t).toBeCloseTo(expected.t, 12);
    expect(second!.welchVsBest!.pValue).toBeCloseTo(expected.pValue, 12);
    expect(second!.welchVsBest!.t).toBeGreaterThan(0);
  });

  it('ranks by test accuracy (high first) or test loss (low first); runs without test metrics give no value', () => {
    // Test accuracy reverses validation's order of the two tanh cells; the relu cells have no test part.
    const testAcc: Record<string, number> = { '0,0': 0.97, '1,0': 0.88 };
    const withTest = runs.map((r) => {
      const key = `${r.coords.initializer},${r.coords.activation}`;
      const acc = testAcc[key];
      return acc === undefined ? r : { ...r, metrics: { ...r.metrics, testAcc: acc + r.seedIndex / 100, testLoss: 1 - acc } };
    });
    for (const metric of ['testAcc', 'testLoss'] as const) {
      const s = buildSweepSummary({ sweep, runs: withTest, progress, firstEpochToTarget, targetAccuracy: 0.9, metric });
      expect(
        s.ranked.map((c) => [c.labels.initializer, c.labels.activation, c.rank, c.n]),
        metric,
      ).toEqual([
        ['glorotNormal', 'tanh', 1, 3],
        ['heNormal', 'tanh', 2, 3],
        ['glorotNormal', 'relu', null, 0],
        ['heNormal', 'relu', null, 0],
      ]);
    }
    const byAcc = buildSweepSummary({ sweep, runs: withTest, progress, firstEpochToTarget, targetAccuracy: 0.9, metric: 'testAcc' });
    expect(byAcc.ranked[0]!.mean).toBeCloseTo(0.98, 12); // 0.97, 0.98, 0.99
  });

  it('builds a heatmap over two axes, pooling or fixing the others', () => {
    const s = summarise({ rowAxis: 'activation', colAxis: 'initializer' });
    const h = s.heatmap!;
    expect(h.rowLabels).toEqual(['tanh', 'relu']);
    expect(h.colLabels).toEqual(['glorotNormal', 'heNormal']);
    expect(h.mean[1]![1]).toBeCloseTo(avg([0.7, 0.6, 0.75]), 12);
    expect(h.n).toEqual([
      [3, 3],
      [2, 3],
    ]);
    expect(h.diverged).toEqual([
      [0, 0],
      [1, 0],
    ]);
    // One axis only: the other is pooled over.
    const pooled = summarise({ rowAxis: 'activation', colAxis: undefined, fixed: { initializer: 0 } });
    expect(pooled.heatmap).toMatchObject({ rowAxis: 'activation', colAxis: null, colLabels: ['(all)'] });
    expect(pooled.heatmap!.mean[0]![0]).toBeCloseTo(avg([0.9, 0.92, 0.91]), 12);
    expect(pooled.ranked).toHaveLength(2);
  });

  it('ranks losses low-first', () => {
    const s = summarise({ metric: 'valLoss' });
    expect(s.ranked[0]!.labels).toEqual({ initializer: 'heNormal', activation: 'tanh' });
    expect(s.ranked[0]!.mean).toBeCloseTo(0.05, 12);
  });

  it('names a bad axis or fixed value', () => {
    expect(() => summarise({ rowAxis: 'depth' })).toThrow('rowAxis: "depth" is not an axis of this sweep (axes: initializer, activation)');
    expect(() => summarise({ rowAxis: 'activation', colAxis: 'activation' })).toThrow('colAxis: must differ from rowAxis');
    expect(() => summarise({ fixed: { activation: 5 } })).toThrow('fixed.activation: index 5 is out of range (0–1)');
  });

  it('estimates the ETA from the throughput since the sweep (re)started', () => {
    const c = { ...counts, completed: 3, diverged: 1, queued: 8 };
    // 4 runs ended, 1 of them before this host took over, in 30 s: 10 s per run, 8 left.
    expect(sweepProgress('sw', 'running', 12, c, { startedAtMs: 0, doneAtStart: 1 }, 30_000)).toMatchObject({ done: 4, etaSeconds: 80, failures: 0 });
    expect(sweepProgress('sw', 'running', 12, c, { startedAtMs: 0, doneAtStart: 4 }, 30_000).etaSeconds).toBeNull();
  });
});
