import { join, resolve } from 'node:path';
import { InitScopeError, type SweepExportResult } from '../../contract/index.js';
import type { SweepStore } from '../store/sweep-store.js';
import { safeId } from './paths.js';
import type { ExportDeps } from './run-export.js';
import { sweepCsv } from './sweep-csv.js';
import { writeExportFiles } from './write-export.js';

/** What a sweep export reads (the sweep and its runs' frozen experiments) and where it records its file. */
export type SweepExportDeps = Pick<ExportDeps, 'dataDir' | 'runs' | 'artifacts' | 'now'> & {
  sweeps: Pick<SweepStore, 'getSweep' | 'listRuns'>;
};

/** Writes a sweep's CSV (see writeSweepCsv); `outFile` only from trusted callers (the CLI). */
export type SweepExporter = (sweepId: string, outFile?: string) => Promise<SweepExportResult>;

/** The default file of a sweep export: `<dataDir>/exports/sweeps/<sweepId>/sweep-<UTC time>.csv`. */
export function defaultSweepCsvPath(dataDir: string, sweepId: string, at: Date): string {
  return join(dataDir, 'exports', 'sweeps', safeId(sweepId, 'sweepId'), `sweep-${at.toISOString().replace(/[:.]/g, '-')}.csv`);
}

/**
 * Writes the CSV of every run of a sweep (see sweepCsv: grid place, status, flattened configuration,
 * final metrics) as it stands now (a running sweep exports its runs so far; unfinished runs have empty
 * metrics). The file's path, size and sha256 are recorded as an artifact not tied to one run. An
 * existing file is never overwritten.
 * @param outFile default {@link defaultSweepCsvPath}; only from trusted callers (the CLI)
 * @throws InitScopeError `invalid_input` (bad id), `not_found` (unknown sweep), `conflict` (file exists)
 */
export function writeSweepCsv(deps: SweepExportDeps, sweepId: string, outFile?: string): SweepExportResult {
  const at = (deps.now ?? (() => new Date()))();
  const sweep = deps.sweeps.getSweep(safeId(sweepId, 'sweepId'));
  if (!sweep) throw new InitScopeError('not_found', `No sweep with id ${sweepId}`);
  const runs = deps.sweeps.listRuns(sweep.id).map((run) => ({ ...run, experiment: deps.runs.getRun(run.runId)?.experiment ?? null }));
  const csv = sweepCsv(sweep, runs);
  const path = resolve(outFile ?? defaultSweepCsvPath(deps.dataDir, sweep.id, at));
  const dir = resolve(path, '..');
  const name = path.slice(dir.length + 1);
  const files = writeExportFiles(deps.artifacts, [null], dir, [{ name, kind: 'csv', data: csv }], at);
  return { sweepId: sweep.id, runs: runs.length, dir, files };
}

/** The host's sweep exporter (synchronous work, offered as a promise like the other methods). */
export function createSweepExporter(deps: SweepExportDeps): SweepExporter {
  return async (sweepId, outFile) => writeSweepCsv(deps, sweepId, outFile);
}
