import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunStatus, SweepSpec, type SweepCounts } from '../../../contract/index.js';
import { planSweep } from '../../../main/services/sweep-expand.js';
import { sweepProgress } from '../../../main/services/sweep-progress.js';
import { buildSweepSummary } from '../../../main/services/sweep-summary.js';
import { depthAxisPosition, trainabilityOverlay } from '../../../main/services/sweep-trainability.js';
import type { StoredSweep, StoredSweepRun } from '../../../main/store/index.js';

/*
 * The 6·ξ_c curve drawn over a depth × σ_w² heatmap (Schoenholz et al. 2017, Fig. 5–6) against an
 * INDEPENDENT computation written here: plain trapezoid quadrature on a uniform grid (the engine uses
 * Simpson's rule in 1-D and Gauss–Hermite in 2-D), plain fixed-point iteration of the variance map to q*,
 * χ₁ = σ_w² E[φ'(√q* z)²] and, in the chaotic phase, plain iteration of the correlation map to c* and
 * χ_c = σ_w² E[φ'(u₁)φ'(u₂)] by a 2-D trapezoid sum. ξ_c = −1/ln χ_c.
 */
const spec = SweepSpec.parse(JSON.parse(readFileSync(new URL('../../../examples/schoenholz-trainability.json', import.meta.url), 'utf8')));
const SB2 = 0.05;

const dtanh = (x: number) => 1 - Math.tanh(x) ** 2;
/** Trapezoid nodes/weights for E over N(0,1) on ±8 with step h. */
function grid(h: number): { z: number[]; w: number[] } {
  const z: number[] = [];
  const w: number[] = [];
  for (let x = -8; x <= 8 + 1e-12; x += h) {
    z.push(x);
    w.push((h * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI));
  }
  return { z, w };
}
const fine = grid(0.002);
const expect1 = (f: (x: number) => number, q: number) => fine.z.reduce((s, z, i) => s + fine.w[i]! * f(Math.sqrt(q) * z), 0);

function qStar(sw2: number): number {
  let q = 1;
  for (let i = 0; i < 2000; i++) q = sw2 * expect1((x) => Math.tanh(x) ** 2, q) + SB2;
  return q;
}

/** Independent ξ_c of tanh at (sw2, SB2). */
function independentXiC(sw2: number): number {
  const q = qStar(sw2);
  const chi1 = sw2 * expect1((x) => dtanh(x) ** 2, q);
  if (chi1 < 1) return -1 / Math.log(chi1);
  // Chaotic: iterate c ← (σ_w² E[φ(u₁)φ(u₂)] + σ_b²)/q* to its stable fixed point c* < 1.
  const g = grid(0.025);
  const s = Math.sqrt(q);
  const pair = (c: number, f: (x: number) => number) => {
    const r = Math.sqrt(1 - c * c);
    let sum = 0;
    for (let i = 0; i < g.z.length; i++) {
      const f1 = f(s * g.z[i]!);
      let inner = 0;
      for (let j = 0; j < g.z.length; j++) inner += g.w[j]! * f(s * (c * g.z[i]! + r * g.z[j]!));
      sum += g.w[i]! * f1 * inner;
    }
    return sum;
  };
  let c = 0.5;
  for (let i = 0; i < 80; i++) c = (sw2 * pair(c, Math.tanh) + SB2) / q;
  return -1 / Math.log(sw2 * pair(c, dtanh));
}

describe('trainable-depth curve 6·ξ_c over a depth × σ_w² sweep heatmap', () => {
  const heatmap = {
    rowAxis: 'initializer' as const,
    colAxis: 'depth' as const,
    rowLabels: [],
    colLabels: [],
    mean: [],
    std: [],
    n: [],
    diverged: [],
  };
  const overlay = trainabilityOverlay(spec, heatmap, {});

  it('equals 6·ξ_c of an independent quadrature at ordered and chaotic σ_w²', () => {
    expect(overlay).not.toBeNull();
    expect(overlay!.activation).toBe('tanh');
    expect(overlay!.biasVariance).toBeCloseTo(SB2, 12);
    expect(overlay!.weightAxis).toBe('row');
    expect(overlay!.points.map((p) => p.weightVariance)).toEqual([0.25, 0.5, 1, 1.5, 1.76, 2.5, 4, 8]);
    for (const sw2 of [0.25, 0.5, 1, 1.5, 4]) {
      const point = overlay!.points.find((p) => p.weightVariance === sw2)!;
      const want = 6 * independentXiC(sw2);
      expect(point.phase).toBe(sw2 < 1.7 ? 'ordered' : 'chaotic');
      expect(Math.abs(point.depthLimit! - want) / want).toBeLessThan(sw2 === 4 ? 1e-3 : 1e-5);
    }
  });

  it('places each limit on the depth axis 2, 4, 8, 16, 32, 64 (linear between values, clipped beyond)', () => {
    const depths = spec.axes.depth!;
    const at = (sw2: number) => overlay!.points.find((p) => p.weightVariance === sw2)!;
    // σ_w² = 1: 6ξ_c ≈ 21.8 lies between 16 (index 3) and 32 (index 4).
    const one = at(1);
    expect(one.depthLimit!).toBeGreaterThan(16);
    expect(one.depthLimit!).toBeLessThan(32);
    expect(one.position).toBeCloseTo(3 + (one.depthLimit! - 16) / 16, 12);
    expect(one.clipped).toBeNull();
    // σ_w² = 1.76 is within 0.3 % of tanh's critical point at σ_b² = 0.05: 6ξ_c is in the thousands.
    expect(at(1.76).depthLimit!).toBeGreaterThan(1000);
    expect(at(1.76)).toMatchObject({ position: depths.length - 0.5, clipped: 'above' });
    expect(depthAxisPosition(depths, 1)).toEqual({ position: -0.5, clipped: 'below' });
    expect(depthAxisPosition(depths, 64)).toEqual({ position: 5, clipped: null });
  });

  it('is drawn only for depth × fanIn-variance-scaling heatmaps of tanh-like dense nets', () => {
    const withAxes = (axes: Partial<SweepSpec['axes']>) => SweepSpec.parse({ ...spec, axes: { ...spec.axes, ...axes } });
    expect(trainabilityOverlay(withAxes({ activation: [{ name: 'relu' }] }), heatmap, {})).toBeNull();
    expect(trainabilityOverlay(withAxes({ initializer: [{ name: 'glorotNormal' }, { name: 'heNormal' }] }), heatmap, {})).toBeNull();
    expect(trainabilityOverlay(withAxes({ depth: [8, 4] }), heatmap, {})).toBeNull();
    expect(trainabilityOverlay(spec, { ...heatmap, colAxis: null }, {})).toBeNull();
    // An activation axis: drawn only with the activation fixed to a tanh-like value.
    const two = withAxes({ activation: [{ name: 'relu' }, { name: 'softsign' }] });
    expect(trainabilityOverlay(two, heatmap, {})).toBeNull();
    expect(trainabilityOverlay(two, heatmap, { activation: 1 })?.activation).toBe('softsign');
    // The axes transposed: σ_w² on the columns.
    expect(trainabilityOverlay(spec, { ...heatmap, rowAxis: 'depth', colAxis: 'initializer' }, {})?.weightAxis).toBe('col');
  });

  it('comes with the summary of a sweep of the example (the heatmap defaults to initializer × depth)', () => {
    const plan = planSweep(spec);
    const sweep: StoredSweep = {
      id: 'sw',
      name: spec.name,
      status: 'completed',
      ownerId: null,
      spec,
      axes: plan.axes,
      totalRuns: plan.total,
      createdAt: '2025-01-01T00:00:00.000Z',
      finishedAt: null,
    };
    const runs: StoredSweepRun[] = [];
    spec.axes.initializer!.forEach((_, i) =>
      spec.axes.depth!.forEach((_, d) =>
        runs.push({
          runId: `r${i}-${d}`,
          position: runs.length,
          seedIndex: 0,
          seed: 1,
          coords: { initializer: i, depth: d },
          status: 'completed',
          epochsDone: 3,
          metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: 0.5 },
          divergedAtStep: null,
          error: null,
        }),
      ),
    );
    const counts = Object.fromEntries(RunStatus.options.map((s) => [s, 0])) as SweepCounts;
    counts.completed = runs.length;
    const summary = buildSweepSummary({
      sweep,
      runs,
      progress: sweepProgress('sw', 'completed', runs.length, counts, null, 0),
      firstEpochToTarget: new Map(),
      targetAccuracy: 0.5,
      metric: 'valAcc',
    });
    expect(summary.heatmap?.rowAxis).toBe('initializer');
    expect(summary.heatmap?.trainability?.points).toEqual(overlay!.points);
  });
});
