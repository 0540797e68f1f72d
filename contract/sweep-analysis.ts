import { z } from 'zod';
import { strictObject } from './strict.js';
import { SweepAxisInfo, SweepAxisName, SweepCoords, SweepMetric, type SweepDetail } from './sweep.js';

/**
 * Sweep analysis at a glance (issue #17): every run as a line through its axis values and final metric
 * (parallel coordinates), and the permutation importance of each axis for the metric.
 */

export const SweepAnalysisRequest = strictObject({
  sweepId: z.string().min(1).max(100),
  metric: SweepMetric.default('valAcc'),
});
export type SweepAnalysisRequest = z.infer<typeof SweepAnalysisRequest>;

export const SweepAxisImportance = z.object({
  axis: SweepAxisName,
  /** Mean increase of the squared error (metric units²) when this axis's values are shuffled across runs. */
  importance: z.number(),
  /** importance / Var(metric): 0 (irrelevant) … about 2 (the axis explains everything). */
  relative: z.number().nullable(),
});
export type SweepAxisImportance = z.infer<typeof SweepAxisImportance>;

export const SweepAnalysis = z.object({
  sweepId: z.string(),
  metric: SweepMetric,
  axes: z.array(SweepAxisInfo),
  /** Every run of the sweep: its coordinates, seed index, status and metric (null when unknown or diverged). */
  runs: z.array(z.object({ runId: z.string(), coords: SweepCoords, seedIndex: z.int(), status: z.string(), value: z.number().nullable() })),
  /** Runs with a value (the n of the importance). */
  n: z.int().min(0),
  /** Variance of the metric over those runs, and the squared error of the cell-mean predictor on them (seed noise). */
  variance: z.number().nullable(),
  baselineError: z.number().nullable(),
  /** One entry per axis, most important first. */
  importance: z.array(SweepAxisImportance),
});
export type SweepAnalysis = z.infer<typeof SweepAnalysis>;

/** A small seeded generator (mulberry32) for the permutations: the same sweep gives the same numbers. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Parallel coordinates and permutation importance (Breiman 2001) of a sweep's runs for `metric`. The
 * predictor is the cell mean: a run's metric is predicted by the mean over the completed runs with the
 * same coordinates on every axis (over seeds), or the overall mean for a cell without any. Importance
 * of an axis: the mean, over `permutations` seeded shuffles of that axis's coordinates across the runs,
 * of the increase of the predictor's mean squared error over its error on the true coordinates.
 * Diverged, failed and unfinished runs have no value and take no part.
 */
export function analyzeSweep(detail: SweepDetail, metric: SweepMetric, permutations = 64, seed = 1): SweepAnalysis {
  const runs = detail.runs.map((r) => {
    const v = r.status === 'completed' ? (r.metrics[metric] ?? null) : null;
    return { runId: r.runId, coords: r.coords, seedIndex: r.seedIndex, status: r.status, value: v !== null && Number.isFinite(v) ? v : null };
  });
  const names = detail.axes.map((a) => a.name);
  const known = runs.filter((r): r is typeof r & { value: number } => r.value !== null);
  const n = known.length;
  const base = { sweepId: detail.id, metric, axes: detail.axes, runs, n };
  if (n < 2) return { ...base, variance: null, baselineError: null, importance: names.map((axis) => ({ axis, importance: 0, relative: null })) };
  const key = (coords: readonly number[]) => coords.join(',');
  const cells = new Map<string, { sum: number; count: number }>();
  const coordsOf = known.map((r) => names.map((a) => r.coords[a] ?? 0));
  known.forEach((r, i) => {
    const c = cells.get(key(coordsOf[i]!)) ?? { sum: 0, count: 0 };
    c.sum += r.value;
    c.count += 1;
    cells.set(key(coordsOf[i]!), c);
  });
  const mean = known.reduce((a, r) => a + r.value, 0) / n;
  const predict = (coords: readonly number[]) => {
    const c = cells.get(key(coords));
    return c ? c.sum / c.count : mean;
  };
  const error = (coordsList: readonly (readonly number[])[]) => known.reduce((a, r, i) => a + (r.value - predict(coordsList[i]!)) ** 2, 0) / n;
  const variance = known.reduce((a, r) => a + (r.value - mean) ** 2, 0) / n;
  const baselineError = error(coordsOf);
  const random = mulberry32(seed);
  const importance = names.map((axis, k) => {
    let total = 0;
    for (let p = 0; p < permutations; p++) {
      const column = coordsOf.map((c) => c[k]!);
      for (let i = column.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [column[i], column[j]] = [column[j]!, column[i]!];
      }
      total += error(coordsOf.map((c, i) => c.map((v, m) => (m === k ? column[i]! : v)))) - baselineError;
    }
    const imp = total / permutations;
    return { axis, importance: imp, relative: variance > 0 ? imp / variance : null };
  });
  importance.sort((a, b) => b.importance - a.importance);
  return { ...base, variance, baselineError, importance };
}
