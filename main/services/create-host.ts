import os from 'node:os';
import { DatasetService } from '../datasets/dataset-service.js';
import { appVersion, APP_NAME, databasePath } from '../app-paths.js';
import { ArtifactStore, DatasetStore, LayerStatsStore, openDatabase, RunStore, runAppVersionReader, SweepStore } from '../store/index.js';
import { findDownload } from '../export/download.js';
import { createCompareReporter, createRunExporter } from '../export/run-exporter.js';
import { saveRunWeights } from '../export/run-weights.js';
import { EnginePool } from './engine-pool.js';
import { createHandlers } from './handlers.js';
import type { HostServices, ShellKind } from './host-services.js';
import { RunService } from './run-service.js';
import { SweepService } from './sweep-service.js';
import { forkWorkerLauncher, type WorkerLauncher } from './worker-launcher.js';

export interface HostOptions {
  /** Per-user data folder (database, imported datasets, exports). */
  dataDir: string;
  /** Database file; defaults to `<dataDir>/initscope.db`. */
  dbPath?: string;
  shell: ShellKind;
  /** Engine worker processes; defaults to the number of cores. */
  workers?: number;
  /**
   * better-sqlite3's compiled driver to load instead of the one in node_modules (the desktop app passes
   * a build for Electron's ABI; see main/electron-sqlite.ts).
   */
  nativeBinding?: string;
  /** How workers are started; defaults to `child_process.fork`. */
  launcher?: WorkerLauncher;
  /**
   * Mark runs left `queued`/`running` by a previous crash as `interrupted` (default true). Commands that
   * only read (e.g. `runs list`) pass false so they never touch the runs of an app that is running.
   */
  recoverInterrupted?: boolean;
  /**
   * Requeue the work a crash interrupted, at start: single runs that were queued or running, and
   * interrupted sweeps (default: true for the app shells, false for the CLI, where
   * `initscope sweep resume <id>` does it, so a `train` command never picks up other runs).
   */
  resumeInterrupted?: boolean;
}

/**
 * Opens the store (migrating it, or refusing a database from a newer version), marks runs that a
 * previous crash left unfinished as `interrupted` (and their sweeps too), starts the engine pool,
 * requeues interrupted runs and sweeps (app shells; see `resumeInterrupted`) and returns the services every shell exposes.
 */
export async function createHostServices(options: HostOptions): Promise<HostServices> {
  const dbPath = options.dbPath ?? databasePath(options.dataDir);
  const db = openDatabase(dbPath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  const store = new RunStore(db);
  const sweepStore = new SweepStore(db);
  const sweepsAvailable = sweepStore.isAvailable();
  const recover = options.recoverInterrupted ?? true;
  const resume = recover && (options.resumeInterrupted ?? options.shell !== 'cli');
  const interruptedSingles = recover ? store.unfinishedSingleRunIds() : [];
  if (recover) {
    store.markUnfinishedInterrupted(new Date().toISOString());
    if (sweepsAvailable) sweepStore.markRunningInterrupted();
  }
  const pool = new EnginePool({
    launcher: options.launcher ?? forkWorkerLauncher(),
    size: Math.max(1, options.workers ?? os.availableParallelism()),
  });
  const version = appVersion();
  const runs = new RunService(store, pool, version);
  runs.storeLayerStatsIn(new LayerStatsStore(db));
  const datasets = new DatasetService(new DatasetStore(db), options.dataDir);
  runs.resolveDatasetsWith((ref) => datasets.resolve(ref));
  const sweeps = new SweepService(sweepStore, runs, version);
  const artifacts = new ArtifactStore(db);
  runs.storeWeightsWith((runId, tensors) => saveRunWeights(options.dataDir, artifacts, runId, tensors, new Date()));
  let datasetHashes: DatasetStore | null = null;
  const exportDeps = {
    dataDir: options.dataDir,
    appVersion: version,
    runs: store,
    artifacts,
    runAppVersion: runAppVersionReader(db),
    storedDatasetHash: (id: string) => (datasetHashes ??= new DatasetStore(db)).get(id)?.contentHash ?? null,
  };
  const exportRun = createRunExporter(exportDeps);
  const compareRuns = createCompareReporter(exportDeps);
  const handlers = createHandlers({
    runs,
    sweeps,
    datasets,
    exportRun,
    compareRuns,
    info: {
      name: APP_NAME,
      version,
      shell: options.shell,
      dataDir: options.dataDir,
      dbPath,
      preferredBackend: process.env.INITSCOPE_BACKEND ?? 'auto',
    },
  });
  if (resume) {
    runs.requeue(interruptedSingles);
    if (sweepsAvailable) sweeps.resumeInterrupted();
  }
  let closed = false;
  return {
    handlers,
    onEvent: (listener) => runs.onEvent(listener),
    onSweepEvent: (listener) => sweeps.onEvent(listener),
    onDatasetImportEvent: (listener) => datasets.onImportEvent(listener),
    exportRun,
    compareRuns,
    findDownload: (sha256) => findDownload(artifacts, options.dataDir, sha256),
    async close(closeOptions) {
      if (closed) return;
      closed = true;
      sweeps.close();
      const leave = closeOptions?.leaveUnfinished === true;
      if (leave) runs.close(); // stop listening first, so the pool's 'cancelled' events are not stored
      await pool.close();
      if (!leave) runs.close();
      db.close();
    },
  };
}
