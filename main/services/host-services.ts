import type { SourceRegistry } from '../datasets/source-registry.js';
import type {
  BoundaryEvent,
  CompareReportResult,
  DatasetImportEvent,
  ExportFormat,
  Handlers,
  RunEvent,
  RunExportResult,
  SweepEvent,
  SweepExportResult,
} from '../../contract/index.js';

/** Which shell hosts the services; recorded in `app/info`. */
export type ShellKind = 'electron' | 'browser' | 'cli';

/** Everything a shell needs from the host: the method handlers and the run-event stream. */
export interface HostServices {
  readonly handlers: Handlers;
  /** Subscribes to every run event; returns an unsubscribe function. */
  onEvent(listener: (event: RunEvent) => void): () => void;
  /** Subscribes to sweep events (sweepStarted, sweepProgress, sweepFinished); returns an unsubscribe function. */
  onSweepEvent?(listener: (event: SweepEvent) => void): () => void;
  /** Subscribes to dataset import progress (`datasetImportProgress`); returns an unsubscribe function. */
  onDatasetImportEvent?(listener: (event: DatasetImportEvent) => void): () => void;
  /** Subscribes to decision-boundary pictures of running runs (`boundary`); returns an unsubscribe function. */
  onBoundaryEvent?(listener: (event: BoundaryEvent) => void): () => void;
  /**
   * Exports a run into `outDir` (default: a new folder under `<dataDir>/exports/`), recording each file's
   * sha256. Only trusted shells (the CLI) pass `outDir`; clients use the `runs/export` method.
   */
  exportRun?(runId: string, format: ExportFormat, outDir?: string): Promise<RunExportResult>;
  /**
   * Writes a comparison report of 2–8 ended runs into `outDir` (default: a new folder under
   * `<dataDir>/exports/comparisons/`), recording each file's sha256. Clients use `runs/compareReport`.
   */
  compareRuns?(runIds: readonly string[], outDir?: string): Promise<CompareReportResult>;
  /**
   * Writes the CSV of every run of a sweep to `outFile` (default: a new file under
   * `<dataDir>/exports/sweeps/<sweepId>/`), recording its sha256. Clients use `sweeps/export`.
   */
  exportSweep?(sweepId: string, outFile?: string): Promise<SweepExportResult>;
  /**
   * The source handles behind `datasets/preview` and `datasets/import` (trusted shells only): the CLI
   * and the desktop's native dialog register paths here, browser-mode uploads create upload folders.
   */
  sources?: SourceRegistry;
  /**
   * An exported file by sha256 for a browser download (main/export/download.ts): only files this host
   * wrote under `<dataDir>/exports/` and recorded, whose bytes still match; null otherwise.
   */
  findDownload?(sha256: string): { name: string; data: Buffer } | null;
  /**
   * Cancels running work, stops worker processes and closes the database. With `leaveUnfinished`
   * nothing is cancelled: pending metrics are written, workers stopped and the database closed with
   * queued and running runs left as they are, so the next start resumes them exactly as after a crash
   * (the desktop app's "stop and resume at next start").
   */
  close(options?: { leaveUnfinished?: boolean }): Promise<void>;
}
