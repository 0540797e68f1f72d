import { groupRuns, type ExperimentSpec, type MetricPoint, type RunSummary } from '../../../contract/index.js';

/** A metric of a curve point: losses in the loss's units, accuracies in [0, 1]. */
export type CurveMetric = 'trainLoss' | 'valLoss' | 'trainAcc' | 'valAcc';
export const CURVE_METRICS: readonly CurveMetric[] = ['valLoss', 'trainLoss', 'valAcc', 'trainAcc'];

/** The most runs the Compare view shows at once. */
export const MAX_COMPARED = 8;

/** Runs grouped by the contract's seed groups (equal experiments but for seed and name), in the order their first member appears. */
export function groupBySeed<R extends Pick<RunSummary, 'experiment'>>(runs: readonly R[]): R[][] {
  return groupRuns(runs, (r) => r.experiment).map((g) => g.runs);
}

/** One epoch of a seed band: mean and sample standard deviation (n − 1) over the runs that reached it. */
export interface BandPoint {
  epoch: number;
  mean: number;
  std: number;
  n: number;
}

/**
 * Mean ± standard deviation of `metric` per epoch across several runs' curves. Epochs are matched
 * exactly; non-finite values are skipped. With one value at an epoch, std is 0.
 */
export function seedBand(curves: readonly (readonly MetricPoint[])[], metric: CurveMetric): BandPoint[] {
  const byEpoch = new Map<number, number[]>();
  for (const curve of curves) {
    for (const point of curve) {
      const v = point[metric];
      if (v === null || !Number.isFinite(v)) continue;
      const list = byEpoch.get(point.epoch);
      if (list) list.push(v);
      else byEpoch.set(point.epoch, [v]);
    }
  }
  return [...byEpoch.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([epoch, values]) => {
      const n = values.length;
      const mean = values.reduce((s, v) => s + v, 0) / n;
      const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
      return { epoch, mean, std: Math.sqrt(variance), n };
    });
}

/** The first epoch at which `metric` reaches `target` (≥ for accuracy, ≤ for loss); null if never. */
export function epochsToTarget(points: readonly MetricPoint[], target: number, metric: CurveMetric = 'valAcc'): number | null {
  const lowerIsBetter = metric.endsWith('Loss');
  for (const point of points) {
    const v = point[metric];
    if (v === null || !Number.isFinite(v)) continue;
    if (lowerIsBetter ? v <= target : v >= target) return point.epoch;
  }
  return null;
}

/**
 * The value of `metric` at the last point whose epoch is ≤ `epoch` (the curve as of that time), skipping
 * missing values. Points are in training order (epochs non-decreasing), so this is a binary search:
 * O(log n) for a 20,000-point curve, fast enough to run on every move of the time slider.
 */
export function valueAt(points: readonly MetricPoint[], epoch: number, metric: CurveMetric): number | null {
  let lo = 0;
  let hi = points.length; // first index whose epoch is > `epoch`
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.epoch <= epoch) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i -= 1) {
    const v = points[i]![metric];
    if (v !== null && Number.isFinite(v)) return v;
  }
  return null;
}

/** Every leaf of a JSON value as dotted path → display text (`network.layers.0.units` → "64"). */
export function flattenConfig(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out[prefix] = Array.isArray(value) ? '[]' : '{}';
    for (const [key, child] of entries) flattenConfig(child, prefix ? `${prefix}.${key}` : key, out);
    return out;
  }
  out[prefix] = value === undefined ? '' : String(value);
  return out;
}

/** One configuration field across the compared runs; `differs` when not all runs agree. */
export interface DiffRow {
  path: string;
  values: string[];
  differs: boolean;
}

/**
 * Field-by-field comparison of the runs' experiments (the display name left out). A field missing from
 * a run (it has fewer layers) shows as '—' and counts as a difference.
 */
export function configDiff(experiments: readonly ExperimentSpec[]): DiffRow[] {
  const flat = experiments.map((e) => flattenConfig({ ...e, name: undefined }));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) {
    for (const path of Object.keys(f)) {
      if (path === 'name' || seen.has(path)) continue;
      seen.add(path);
      paths.push(path);
    }
  }
  return paths.map((path) => {
    const values = flat.map((f) => f[path] ?? '—');
    return { path, values, differs: values.some((v) => v !== values[0]) };
  });
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The compared curves as CSV: one row per run per recorded epoch, header first. */
export function comparisonCsv(runs: readonly RunSummary[], pointsOf: (id: string) => readonly MetricPoint[]): string {
  const header = ['run_id', 'run_name', 'seed', 'epoch', 'step', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'elapsed_ms'];
  const rows = [header.join(',')];
  for (const run of runs) {
    for (const p of pointsOf(run.id)) {
      rows.push(
        [run.id, run.name, run.experiment.train.seed, p.epoch, p.step, p.trainLoss, p.trainAcc, p.valLoss, p.valAcc, p.elapsedMs].map(csvCell).join(','),
      );
    }
  }
  return `${rows.join('\n')}\n`;
}

/** Running mean and sum of squared deviations (Welford) of one epoch's values. */
interface EpochMoments {
  /** Position of the epoch in the sorted list. */
  index: number;
  n: number;
  mean: number;
  m2: number;
}

/**
 * {@link seedBand} kept up to date as the runs' curves grow: `update` reads only the points added since
 * the last call (curves are append-only lists in training order), so a live band costs O(new points).
 * A curve that was replaced (its first point changed, or it got shorter) makes the band start over.
 * Results equal `seedBand` up to rounding (Welford's update instead of two passes).
 */
export class SeedBandAccumulator {
  private readonly moments = new Map<number, EpochMoments>();
  private consumed: number[] = [];
  private firsts: (MetricPoint | undefined)[] = [];
  private sorted: number[] = [];
  private outOfOrder = false;
  private changed = new Set<number>();

  constructor(private readonly metric: CurveMetric) {}

  /**
   * Takes in the new points of every curve (same order of curves each call). Returns 'none' when
   * nothing changed, 'append' when only epochs after the last one were added or changed in place at
   * known epochs, 'reset' when the band was rebuilt (a curve replaced, or an epoch inserted before the end).
   */
  update(curves: readonly (readonly MetricPoint[])[]): 'none' | 'append' | 'reset' {
    let reset =
      curves.length !== this.consumed.length || curves.some((c, i) => c.length < this.consumed[i]! || (this.consumed[i]! > 0 && c[0] !== this.firsts[i]));
    if (reset) this.clear(curves.length);
    let changed = false;
    this.outOfOrder = false;
    this.changed = new Set();
    curves.forEach((curve, i) => {
      for (let j = this.consumed[i]!; j < curve.length; j += 1) {
        const point = curve[j]!;
        const v = point[this.metric];
        if (v === null || !Number.isFinite(v)) continue;
        this.add(point.epoch, v);
        changed = true;
      }
      this.consumed[i] = curve.length;
      this.firsts[i] = curve[0];
    });
    if (this.outOfOrder) {
      this.sorted.sort((a, b) => a - b);
      this.sorted.forEach((epoch, index) => (this.moments.get(epoch)!.index = index));
      reset = true;
    }
    return reset ? 'reset' : changed ? 'append' : 'none';
  }

  /**
   * Positions (in {@link epochs}) of epochs that existed before the last `update` and got a new value in
   * it; epochs it added come after them. Meaningless after a 'reset'.
   */
  changedIndices(): ReadonlySet<number> {
    return this.changed;
  }

  /** Epochs of the band in increasing order. */
  epochs(): readonly number[] {
    return this.sorted;
  }

  /** The band at `epoch` (must be one of {@link epochs}). */
  at(epoch: number): BandPoint {
    const m = this.moments.get(epoch)!;
    return { epoch, mean: m.mean, std: m.n > 1 ? Math.sqrt(Math.max(0, m.m2 / (m.n - 1))) : 0, n: m.n };
  }

  /** The whole band, as {@link seedBand} returns it. */
  points(): BandPoint[] {
    return this.sorted.map((epoch) => this.at(epoch));
  }

  private clear(curveCount: number): void {
    this.moments.clear();
    this.sorted = [];
    this.consumed = new Array<number>(curveCount).fill(0);
    this.firsts = new Array<MetricPoint | undefined>(curveCount).fill(undefined);
  }

  private add(epoch: number, value: number): void {
    const m = this.moments.get(epoch);
    if (m) {
      this.changed.add(m.index);
      m.n += 1;
      const delta = value - m.mean;
      m.mean += delta / m.n;
      m.m2 += delta * (value - m.mean);
      return;
    }
    this.moments.set(epoch, { index: this.sorted.length, n: 1, mean: value, m2: 0 });
    const last = this.sorted[this.sorted.length - 1];
    if (last !== undefined && epoch < last) this.outOfOrder = true;
    this.sorted.push(epoch);
  }
}
