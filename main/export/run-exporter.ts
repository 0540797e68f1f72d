import type { CompareReportResult, ExportFormat, RunExportResult } from '../../contract/index.js';
import { initBackend, type TF } from '../../engine/index.js';
import { writeCompareReport, type CompareDeps } from './compare-report.js';
import { exportRun, type ExportDeps } from './run-export.js';

/** Exports a run (see exportRun); `outDir` only from trusted callers (the CLI), never from a client. */
export type RunExporter = (runId: string, format: ExportFormat, outDir?: string) => Promise<RunExportResult>;

/**
 * The host's exporter. TensorFlow.js (for the tfjs format and reference outputs) is loaded on first
 * use with the CPU backend (a forward pass of a few samples; no training happens in the host), unless
 * `deps.loadTf` is given.
 */
export function createRunExporter(deps: Omit<ExportDeps, 'loadTf'> & { loadTf?: ExportDeps['loadTf'] }): RunExporter {
  let tf: Promise<TF> | null = null;
  const loadTf = deps.loadTf ?? (() => (tf ??= initBackend('cpu').then((b) => b.tf)));
  const full: ExportDeps = { ...deps, loadTf };
  return (runId, format, outDir) => exportRun(full, runId, format, outDir);
}

/** Writes a comparison report (see writeCompareReport); `outDir` only from trusted callers (the CLI). */
export type CompareReporter = (runIds: readonly string[], outDir?: string) => Promise<CompareReportResult>;

/** The host's comparison reporter (synchronous work, offered as a promise like the other methods). */
export function createCompareReporter(deps: CompareDeps): CompareReporter {
  return async (runIds, outDir) => writeCompareReport(deps, runIds, outDir);
}
