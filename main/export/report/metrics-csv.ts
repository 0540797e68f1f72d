import type { MetricPoint } from '../../../contract/index.js';

/** Column names of the metrics CSV, in order (losses in the loss's units, accuracies in [0, 1], time in ms). */
export const METRICS_CSV_COLUMNS = ['run_id', 'epoch', 'step', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'elapsed_ms'] as const;

/** A CSV cell: numbers as JS prints them (round-trip exact), null as empty, text quoted when needed. */
function cell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * RFC 4180 CSV of the curves of one or more runs (one row per recorded epoch), header first,
 * CRLF line ends. Missing values (no validation split, NaN) are empty cells.
 */
export function metricsCsv(runs: readonly { runId: string; points: readonly MetricPoint[] }[]): string {
  const lines = [METRICS_CSV_COLUMNS.join(',')];
  for (const { runId, points } of runs) {
    for (const p of points) {
      lines.push([runId, p.epoch, p.step, p.trainLoss, p.trainAcc, p.valLoss, p.valAcc, p.elapsedMs].map(cell).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
