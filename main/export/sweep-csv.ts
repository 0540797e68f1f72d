import type { ExperimentSpec, SweepAxisInfo } from '../../contract/index.js';
import type { StoredSweep, StoredSweepRun } from '../store/sweep-store.js';

/** One run of a sweep as the CSV shows it: its place in the grid, its state and its frozen experiment. */
export interface SweepCsvRun extends StoredSweepRun {
  /** The experiment exactly as stored for the run (null if the run row is gone). */
  experiment: ExperimentSpec | null;
}

/** Leading columns of the sweep CSV, before the axis and configuration columns. */
export const SWEEP_CSV_LEAD = ['sweep_id', 'sweep_name', 'position', 'run_id', 'seed_index', 'seed', 'status', 'epochs_done'] as const;
/** Trailing columns: the run's final metrics (losses in the loss's units, accuracies in [0, 1]), divergence and error. */
export const SWEEP_CSV_METRICS = ['train_loss', 'train_acc', 'val_loss', 'val_acc', 'test_loss', 'test_acc', 'diverged_at_step', 'error'] as const;

type Cell = string | number | boolean | null | undefined;

/** A CSV cell: numbers as JS prints them (round-trip exact), null/undefined as empty, text quoted when needed. */
function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Flattens an experiment into `config.<path>` → value: objects by key, arrays of objects by index
 * (`config.network.layers.0.kernelInitializer.std`), arrays of plain values as one cell joined by `x`
 * (`config.network.inputShape` = `2`, `16x16x1`). Column names are the experiment file's own field paths.
 */
export function flattenConfig(value: unknown, prefix = 'config', out: Map<string, Cell> = new Map()): Map<string, Cell> {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) out.set(prefix, value.join('x'));
    else value.forEach((v, i) => flattenConfig(v, `${prefix}.${i}`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) flattenConfig(v, `${prefix}.${key}`, out);
  } else {
    out.set(prefix, value as Cell);
  }
  return out;
}

/**
 * The CSV of a sweep: one row per run in position order (seeds outermost). Columns: {@link SWEEP_CSV_LEAD},
 * one `axis.<name>` column per axis (the value's label, e.g. `normal(0, 0.1)`), every configuration field
 * of the runs' stored experiments (`config.…`, the union over runs in first-seen order: a depth axis adds
 * layer columns that shallower runs leave empty), then {@link SWEEP_CSV_METRICS}. RFC 4180, CRLF line
 * ends, UTF-8; empty cells for values a run does not have (no validation split, not ended).
 */
export function sweepCsv(sweep: Pick<StoredSweep, 'id' | 'name' | 'axes'>, runs: readonly SweepCsvRun[]): string {
  const axes: readonly SweepAxisInfo[] = sweep.axes;
  const configs = runs.map((run) => (run.experiment ? flattenConfig(run.experiment) : new Map<string, Cell>()));
  const configColumns: string[] = [];
  const seen = new Set<string>();
  for (const config of configs) {
    for (const key of config.keys()) {
      if (!seen.has(key)) {
        seen.add(key);
        configColumns.push(key);
      }
    }
  }
  const header = [...SWEEP_CSV_LEAD, ...axes.map((a) => `axis.${a.name}`), ...configColumns, ...SWEEP_CSV_METRICS];
  const lines = [header.map(cell).join(',')];
  runs.forEach((run, i) => {
    const config = configs[i] as Map<string, Cell>;
    const m = run.metrics;
    const row: Cell[] = [
      sweep.id,
      sweep.name,
      run.position,
      run.runId,
      run.seedIndex,
      run.seed,
      run.status,
      run.epochsDone,
      ...axes.map((a) => a.labels[run.coords[a.name] ?? 0] ?? ''),
      ...configColumns.map((key) => config.get(key)),
      m.trainLoss,
      m.trainAcc,
      m.valLoss,
      m.valAcc,
      m.testLoss,
      m.testAcc,
      run.divergedAtStep,
      run.error,
    ];
    lines.push(row.map(cell).join(','));
  });
  return `${lines.join('\r\n')}\r\n`;
}
