import { describe, expect, it } from 'vitest';
import { RunProvenance, type LayerStatsRecord, type MetricPoint, type RunSummary } from '../../../contract/index.js';
import { formatReproduction } from '../../../main/cli/rerun-command.js';
import { compareReproduction, provenanceDifferences, type StoredRunNumbers } from '../../../main/services/reproduction.js';

const provenance = RunProvenance.parse({
  seed: 5,
  dataset: { hash: 'a'.repeat(64), splitHash: 'b'.repeat(64), trainSamples: 288, valSamples: 96 },
  backend: 'wasm',
  tfjsVersion: '4.22.0',
  kernels: { set: 'patched', groups: ['BatchMatMul'], gemm: true, heapSimd: true },
  split: { parts: 2, reason: '191.1 MFLOP per step' },
  node: '20.0.0',
  arch: 'x64',
  initscopeVersion: '0.1.0',
  reproduces: null,
});

const point = (epoch: number, trainLoss: number, valAcc: number | null): MetricPoint => ({
  epoch,
  step: epoch * 3,
  trainLoss,
  trainAcc: 0.5,
  valLoss: 0.7,
  valAcc,
  elapsedMs: epoch * 100,
});
const stats = (step: number, gradientNorm: number): LayerStatsRecord => ({
  step,
  epoch: Math.floor(step / 3),
  layers: [
    {
      layer: 'dense_0',
      index: 0,
      activationMean: 0,
      activationStd: 1,
      zeroFraction: 0,
      deadFraction: 0,
      saturatedFraction: null,
      histogram: [0.5, 0.5],
      weightStd: 0.1,
      gradientNorm,
      updateRatio: 0.01,
    },
  ],
});

function stored(id: string, over: Partial<StoredRunNumbers> = {}, run: Partial<RunSummary> = {}): StoredRunNumbers {
  return {
    run: {
      id,
      status: 'completed',
      metrics: { trainLoss: 0.3, trainAcc: 0.9, valLoss: 0.4, valAcc: 0.8 },
      divergedAtStep: null,
      provenance,
      epochsDone: 2,
      ...run,
    } as RunSummary,
    curve: [point(1, 0.5, 0.75), point(2, 0.3, 0.8)],
    layerStats: [stats(1, 2), stats(4, 1.5)],
    ...over,
  };
}

describe('compareReproduction', () => {
  it('says identical only when every stored number is the same bit for bit (elapsed times aside)', () => {
    const b = stored('b', { curve: stored('a').curve.map((p) => ({ ...p, elapsedMs: p.elapsedMs + 7 })) });
    expect(compareReproduction(stored('a'), b)).toEqual({
      originalRunId: 'a',
      reproductionRunId: 'b',
      verdict: 'identical',
      pointsCompared: 2,
      firstDifference: null,
      provenanceDiffers: [],
    });
  });

  it('names the first epoch and metric that differs, in curve order, down to one ulp', () => {
    const ulp = 0.3 + 2 ** -54;
    expect(ulp).not.toBe(0.3);
    const b = stored('b', { curve: [point(1, 0.5, 0.75), point(2, ulp, 0.9)] });
    expect(compareReproduction(stored('a'), b).firstDifference).toEqual({ epoch: 2, metric: 'trainLoss', original: 0.3, reproduction: ulp });
    const nullAcc = stored('b', { curve: [point(1, 0.5, null), point(2, 0.3, 0.8)] });
    expect(compareReproduction(stored('a'), nullAcc)).toMatchObject({
      verdict: 'differs',
      firstDifference: { epoch: 1, metric: 'valAcc', original: 0.75, reproduction: null },
    });
  });

  it('compares layer statistics, the epoch count, the final metrics and the end state', () => {
    const grad = stored('b', { layerStats: [stats(1, 2), stats(4, 1.25)] });
    expect(compareReproduction(stored('a'), grad).firstDifference).toEqual({
      epoch: 2,
      metric: 'layerStats@4.dense_0.gradientNorm',
      original: 1.5,
      reproduction: 1.25,
    });
    const shorter = stored('b', { curve: [point(1, 0.5, 0.75)] });
    expect(compareReproduction(stored('a'), shorter).firstDifference).toMatchObject({ epoch: 2, metric: 'epochs', original: 2, reproduction: 1 });
    const final = stored('b', {}, { metrics: { trainLoss: 0.3, trainAcc: 0.9, valLoss: 0.4, valAcc: -0 } });
    expect(compareReproduction(stored('a', {}, { metrics: { trainLoss: 0.3, trainAcc: 0.9, valLoss: 0.4, valAcc: 0 } }), final).firstDifference?.metric).toBe(
      'final.valAcc',
    );
    expect(compareReproduction(stored('a'), stored('b', {}, { status: 'diverged' })).firstDifference?.metric).toBe('status: completed → diverged');
    expect(compareReproduction(stored('a'), stored('b', { curve: [] }, { status: 'running' }))).toMatchObject({ verdict: 'pending', firstDifference: null });
  });

  it('compares the test metrics and the test part’s hash: one ulp of testAcc, or a test part on one side only, differs', () => {
    const withTest = (testAcc: number | null, testHash?: string) => ({
      metrics: { trainLoss: 0.3, trainAcc: 0.9, valLoss: 0.4, valAcc: 0.8, testLoss: 0.45, testAcc },
      provenance: { ...provenance, dataset: { ...provenance.dataset, ...(testHash ? { testHash, testSamples: 100 } : {}) } },
    });
    const a = stored('a', {}, withTest(0.75, 'c'.repeat(64)));
    expect(compareReproduction(a, stored('b', {}, withTest(0.75, 'c'.repeat(64)))).verdict).toBe('identical');
    const ulp = 0.75 + 2 ** -53;
    expect(ulp).not.toBe(0.75);
    expect(compareReproduction(a, stored('b', {}, withTest(ulp, 'c'.repeat(64)))).firstDifference).toEqual({
      epoch: 0,
      metric: 'final.testAcc',
      original: 0.75,
      reproduction: ulp,
    });
    expect(compareReproduction(a, stored('b')).firstDifference).toEqual({ epoch: 0, metric: 'final.testLoss', original: 0.45, reproduction: null });
    expect(compareReproduction(a, stored('b', {}, withTest(0.75, 'd'.repeat(64)))).provenanceDiffers).toEqual(['dataset.testHash']);
    expect(compareReproduction(a, stored('b', {}, withTest(0.75))).provenanceDiffers).toEqual(['dataset.testHash', 'dataset.testSamples']);
  });

  it('names the provenance fields that differ (not the link or the reason wording) as the likely reason', () => {
    const other = {
      ...provenance,
      backend: 'cpu',
      kernels: { ...provenance.kernels, set: 'stock' as const, groups: [] },
      split: { parts: 2 as const, reason: 'as recorded' },
      reproduces: 'a',
    };
    expect(provenanceDifferences(provenance, other)).toEqual(['backend', 'kernels.groups', 'kernels.set']);
    expect(provenanceDifferences(provenance, null)).toEqual(['provenance']);
    // The calibration that chose a layout is not a cause; the layout itself is.
    const calibrated = { ...provenance, split: { ...provenance.split, calibration: { key: 'CPU × 2, engine split-1', minSplitFlops: 1e8 } } };
    expect(provenanceDifferences(provenance, calibrated)).toEqual([]);
    const twoParts = { ...provenance, split: { parts: (provenance.split.parts === 2 ? 1 : 2) as 1 | 2, reason: 'x' } };
    expect(provenanceDifferences(provenance, twoParts)).toEqual(['split.parts']);
    expect(formatReproduction(compareReproduction(stored('a'), stored('b', {}, { provenance: twoParts })))).toContain('step layout differs');
    expect(provenanceDifferences(null, null)).toEqual([]);
    const report = compareReproduction(stored('a'), stored('b', { curve: [point(1, 0.5001, 0.75), point(2, 0.3, 0.8)] }, { provenance: other }));
    expect(formatReproduction(report)).toBe(
      'differs: b vs a — first difference at epoch 1 trainLoss: 0.5 (original) vs 0.5001 (rerun)\nprovenance differs (the likely reason): backend, kernels.groups, kernels.set',
    );
    expect(formatReproduction(compareReproduction(stored('a'), stored('b')))).toBe('identical: b reproduces a bit for bit (2 epochs, every stored metric)');
  });
});
