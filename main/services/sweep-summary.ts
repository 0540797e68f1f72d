import {
  InitScopeError,
  type SweepAxisInfo,
  type SweepAxisName,
  type SweepCell,
  type SweepCoords,
  type SweepHeatmap,
  type SweepMetric,
  type SweepProgress,
  type SweepSummary,
} from '../../contract/index.js';
import type { StoredSweep, StoredSweepRun } from '../store/sweep-store.js';
import { mean, sampleStd, welchTTest } from './stats/index.js';
import { trainabilityOverlay } from './sweep-trainability.js';

/** What {@link buildSweepSummary} summarises. */
export interface SummaryInput {
  sweep: StoredSweep;
  runs: readonly StoredSweepRun[];
  progress: SweepProgress;
  /** Per run id, the first epoch that reached the target accuracy (see SweepStore.firstEpochReaching). */
  firstEpochToTarget: ReadonlyMap<string, number>;
  targetAccuracy: number;
  metric: SweepMetric;
  rowAxis?: SweepAxisName | undefined;
  colAxis?: SweepAxisName | undefined;
  fixed?: Partial<Record<SweepAxisName, number>> | undefined;
}

/** True when a higher value of the metric is better (accuracies); losses rank low-first. */
export function higherIsBetter(metric: SweepMetric): boolean {
  return metric.endsWith('Acc');
}

/**
 * Summarises a sweep: one cell per combination of axis values (over seeds), ranked by the mean final
 * `metric` of its completed runs, with Welch's t-test of the best cell against each other cell, the
 * count of diverged runs, epochs to the target accuracy, and a heatmap over two axes (pooling the
 * other axes unless `fixed`). Default axes: the first two that take more than one value and are not
 * fixed; with only one, the heatmap has a single column labelled `(all)`.
 * @throws InitScopeError `invalid_input` naming `rowAxis`, `colAxis` or `fixed.<axis>` when they are not
 *   axes of this sweep (or out of range)
 */
export function buildSweepSummary(input: SummaryInput): SweepSummary {
  const { sweep, metric } = input;
  const axes = sweep.axes;
  const fixed = input.fixed ?? {};
  checkFixed(axes, fixed);
  const runs = input.runs.filter((run) => Object.entries(fixed).every(([axis, index]) => run.coords[axis as SweepAxisName] === index));

  const groups = new Map<string, StoredSweepRun[]>();
  for (const run of runs) {
    const key = JSON.stringify(axes.map((a) => run.coords[a.name] ?? 0));
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  const cells = [...groups.values()].map((group) => cellOf(group, axes, input));
  const ranked = rankCells(cells, metric, input.runs);
  const heatmap = axes.length === 0 ? null : buildHeatmap(runs, axes, metric, input.rowAxis, input.colAxis, fixed);
  const trainability = heatmap ? trainabilityOverlay(sweep.spec, heatmap, fixed) : null;
  if (heatmap && trainability) heatmap.trainability = trainability;
  return {
    sweepId: sweep.id,
    name: sweep.name,
    status: sweep.status,
    metric,
    targetAccuracy: input.targetAccuracy,
    axes,
    seeds: sweep.spec.axes.seeds,
    progress: input.progress,
    ranked,
    heatmap,
  };
}

/** The final metric of a run that completed (diverged, failed and unfinished runs give none). */
function valueOf(run: StoredSweepRun, metric: SweepMetric): number | null {
  return run.status === 'completed' ? (run.metrics[metric] ?? null) : null;
}

function valuesOf(runs: readonly StoredSweepRun[], metric: SweepMetric): number[] {
  return runs.map((r) => valueOf(r, metric)).filter((v): v is number => v !== null);
}

function cellOf(group: StoredSweepRun[], axes: readonly SweepAxisInfo[], input: SummaryInput): SweepCell {
  const first = group[0] as StoredSweepRun;
  const coords: SweepCoords = {};
  const labels: Partial<Record<SweepAxisName, string>> = {};
  for (const axis of axes) {
    const index = first.coords[axis.name] ?? 0;
    coords[axis.name] = index;
    labels[axis.name] = axis.labels[index] ?? String(index);
  }
  const values = valuesOf(group, input.metric);
  const epochs = group.map((r) => input.firstEpochToTarget.get(r.runId)).filter((e): e is number => e !== undefined);
  return {
    coords,
    labels,
    runIds: group.map((r) => r.runId),
    n: values.length,
    mean: mean(values),
    std: sampleStd(values),
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    diverged: group.filter((r) => r.status === 'diverged').length,
    failed: group.filter((r) => r.status === 'failed').length,
    pending: group.filter((r) => !['completed', 'diverged', 'failed'].includes(r.status)).length,
    reachedTarget: epochs.length,
    meanEpochsToTarget: mean(epochs),
    rank: null,
    welchVsBest: null,
  };
}

/** Sorts best first (cells without a value last, in grid order), numbers the ranks and runs Welch's test vs the best. */
function rankCells(cells: SweepCell[], metric: SweepMetric, runs: readonly StoredSweepRun[]): SweepCell[] {
  const sign = higherIsBetter(metric) ? -1 : 1;
  const withValue = cells.filter((c) => c.mean !== null).sort((a, b) => sign * ((a.mean as number) - (b.mean as number)));
  const without = cells.filter((c) => c.mean === null);
  const byId = new Map(runs.map((r) => [r.runId, r]));
  const cellValues = (cell: SweepCell) =>
    valuesOf(
      cell.runIds.map((id) => byId.get(id) as StoredSweepRun),
      metric,
    );
  const best = withValue[0];
  const bestValues = best ? cellValues(best) : [];
  withValue.forEach((cell, i) => {
    cell.rank = i + 1;
    if (cell !== best) {
      const test = welchTTest(bestValues, cellValues(cell));
      cell.welchVsBest = test && Number.isFinite(test.t) ? test : null;
    }
  });
  return [...withValue, ...without];
}

function buildHeatmap(
  runs: readonly StoredSweepRun[],
  axes: readonly SweepAxisInfo[],
  metric: SweepMetric,
  rowName: SweepAxisName | undefined,
  colName: SweepAxisName | undefined,
  fixed: Partial<Record<SweepAxisName, number>>,
): SweepHeatmap {
  const find = (name: SweepAxisName, field: string) => {
    const axis = axes.find((a) => a.name === name);
    if (!axis) {
      const known = axes.map((a) => a.name).join(', ');
      throw new InitScopeError('invalid_input', `Invalid sweeps/summary request: ${field}: "${name}" is not an axis of this sweep (axes: ${known})`);
    }
    return axis;
  };
  const varying = axes.filter((a) => a.labels.length > 1 && fixed[a.name] === undefined);
  const row = rowName ? find(rowName, 'rowAxis') : (varying[0] ?? (axes[0] as SweepAxisInfo));
  let col: SweepAxisInfo | null = colName ? find(colName, 'colAxis') : (varying.find((a) => a !== row) ?? null);
  if (col && col.name === row.name) {
    if (colName) throw new InitScopeError('invalid_input', `Invalid sweeps/summary request: colAxis: must differ from rowAxis (${row.name})`);
    col = null;
  }
  const colLabels = col ? col.labels : ['(all)'];
  const grid = <T>(fill: () => T): T[][] => row.labels.map(() => colLabels.map(fill));
  const buckets = grid<StoredSweepRun[]>(() => []);
  for (const run of runs) {
    const r = run.coords[row.name] ?? 0;
    const c = col ? (run.coords[col.name] ?? 0) : 0;
    buckets[r]?.[c]?.push(run);
  }
  return {
    rowAxis: row.name,
    colAxis: col ? col.name : null,
    rowLabels: row.labels,
    colLabels,
    mean: buckets.map((line) => line.map((b) => mean(valuesOf(b, metric)))),
    std: buckets.map((line) => line.map((b) => sampleStd(valuesOf(b, metric)))),
    n: buckets.map((line) => line.map((b) => valuesOf(b, metric).length)),
    diverged: buckets.map((line) => line.map((b) => b.filter((r) => r.status === 'diverged').length)),
  };
}

function checkFixed(axes: readonly SweepAxisInfo[], fixed: Partial<Record<SweepAxisName, number>>): void {
  for (const [name, index] of Object.entries(fixed)) {
    const axis = axes.find((a) => a.name === name);
    if (!axis) throw new InitScopeError('invalid_input', `Invalid sweeps/summary request: fixed.${name}: not an axis of this sweep`);
    if (index === undefined || index >= axis.labels.length) {
      throw new InitScopeError('invalid_input', `Invalid sweeps/summary request: fixed.${name}: index ${index} is out of range (0–${axis.labels.length - 1})`);
    }
  }
}
