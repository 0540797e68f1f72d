import { join, resolve } from 'node:path';
import {
  COMPARE_MAX_RUNS,
  COMPARE_MIN_RUNS,
  describeChange,
  groupRuns,
  InitScopeError,
  semanticDiff,
  type CompareReportResult,
  type RunSummary,
} from '../../contract/index.js';
import { safeId } from './paths.js';
import { configDiff } from './report/config-diff.js';
import { metricsCsv } from './report/metrics-csv.js';
import { buildReportHtml } from './report/report-html.js';
import { ENDED_STATUSES, reportRunOf } from './report-run.js';
import type { ExportDeps } from './run-export.js';
import { writeExportFiles } from './write-export.js';

/** What a comparison reads and where it records its files (no TensorFlow.js needed). */
export type CompareDeps = Pick<ExportDeps, 'dataDir' | 'appVersion' | 'runs' | 'artifacts' | 'runAppVersion' | 'storedDatasetHash' | 'now'>;

/** The default folder of a comparison: `<dataDir>/exports/comparisons/compare-<UTC time, filename-safe>/`. */
export function defaultCompareDir(dataDir: string, at: Date): string {
  return join(dataDir, 'exports', 'comparisons', `compare-${at.toISOString().replace(/[:.]/g, '-')}`);
}

/**
 * The runs to compare, checked all together so one error names every offending id: 2–8 ids, each a
 * valid id, no repeats, every run known and ended.
 * @throws InitScopeError `invalid_input` (count, bad or repeated id), `not_found` (unknown ids, named),
 *   `conflict` (runs not ended, named with their status)
 */
export function comparableRuns(deps: Pick<CompareDeps, 'runs'>, runIds: readonly string[]): RunSummary[] {
  if (runIds.length < COMPARE_MIN_RUNS || runIds.length > COMPARE_MAX_RUNS) {
    throw new InitScopeError('invalid_input', `runIds: a comparison needs ${COMPARE_MIN_RUNS} to ${COMPARE_MAX_RUNS} runs, got ${runIds.length}`);
  }
  runIds.forEach((id, i) => safeId(id, `runIds[${i}]`));
  const repeated = runIds.filter((id, i) => runIds.indexOf(id) !== i);
  if (repeated.length > 0) throw new InitScopeError('invalid_input', `runIds: ${[...new Set(repeated)].join(', ')} given more than once`);
  const found = runIds.map((id) => deps.runs.getRun(id));
  const unknown = runIds.filter((_, i) => !found[i]);
  if (unknown.length > 0) throw new InitScopeError('not_found', `No run${unknown.length > 1 ? 's' : ''} with id ${unknown.join(', ')}`);
  const runs = found as RunSummary[];
  const running = runs.filter((r) => !ENDED_STATUSES.has(r.status));
  if (running.length > 0) {
    throw new InitScopeError(
      'conflict',
      `Run${running.length > 1 ? 's' : ''} ${running.map((r) => `${r.id} (${r.status})`).join(', ')} ha${running.length > 1 ? 've' : 's'} not ended; a comparison can be written once every run has ended`,
    );
  }
  return runs;
}

/**
 * Writes a comparison report of 2–8 ended runs: `report.html` (self-contained: overlaid loss and
 * accuracy curves as inline SVG, final metrics, the configuration fields that differ, a
 * reproducibility record per run, each configuration) and `metrics.csv` (every stored metric row of
 * every run, long format: run_id, epoch, step, train_loss, train_acc, val_loss, val_acc, elapsed_ms).
 * Everything is checked and built before anything is written; an existing file is never overwritten.
 * Each file's path, size and sha256 is recorded in the store for every run compared (one export id).
 * @param outDir default `<dataDir>/exports/comparisons/compare-<time>/`; only from trusted callers (the CLI)
 * @throws InitScopeError `invalid_input`, `not_found` or `conflict` (see {@link comparableRuns}; existing file)
 */
export function writeCompareReport(deps: CompareDeps, runIds: readonly string[], outDir?: string): CompareReportResult {
  const at = (deps.now ?? (() => new Date()))();
  const runs = comparableRuns(deps, runIds).map((run) => reportRunOf(deps, run));
  const html = buildReportHtml(runs, { generatedAt: at.toISOString(), appVersion: deps.appVersion });
  const csv = metricsCsv(runs.map((r) => ({ runId: r.summary.id, points: r.points })));
  const dir = resolve(outDir ?? defaultCompareDir(deps.dataDir, at));
  const files = writeExportFiles(
    deps.artifacts,
    runs.map((r) => r.summary.id),
    dir,
    [
      { name: 'report.html', kind: 'report', data: html },
      { name: 'metrics.csv', kind: 'csv', data: csv },
    ],
    at,
  );
  const differingPaths = configDiff(runs.map((r) => r.summary.experiment)).map((d) => d.path);
  const groups = groupRuns(runs, (r) => r.summary.experiment);
  const differences = semanticDiff(
    groups.map((g) => g.runs[0]!.summary.experiment),
    groups.map((g) => g.seeds),
  ).changes.map(describeChange);
  return { runIds: runs.map((r) => r.summary.id), dir, files, differingPaths, groups: groups.length, differences };
}
