import os from 'node:os';
import { DatasetService } from '../datasets/dataset-service.js';
import type { SourceDecoder } from '../datasets/prepare-import.js';
import { SourceRegistry, sweepStaleUploads } from '../datasets/source-registry.js';
import { appVersion, APP_NAME, databasePath } from '../app-paths.js';
import {
  ArtifactStore,
  DatasetStore,
  LayerStatsStore,
  SignalPropStore,
  StepLossStore,
  openDatabase,
  OwnerStore,
  QueueStore,
  recoverOrphans,
  RunManagementStore,
  RunProvenanceStore,
  RunStore,
  runAppVersionReader,
  SweepStore,
} from '../store/index.js';
import { findDownload } from '../export/download.js';
import { createCompareReporter, createRunExporter } from '../export/run-exporter.js';
import { createSweepExporter } from '../export/sweep-export.js';
import { hasRunWeights, loadRunWeights, saveRunWeights } from '../export/run-weights.js';
import { readBoundaryFile, writeBoundaryFile } from './boundary-file.js';
import { BoundaryService } from './boundary-service.js';
import { EnginePool } from './engine-pool.js';
import { createHandlers } from './handlers.js';
import { LabService } from './lab-service.js';
import type { HostServices, ShellKind } from './host-services.js';
import { registerProcessOwner, type ProcessOwner } from './process-owner.js';
import { RunManagement } from './run-management.js';
import { RunService } from './run-service.js';
import type { RunExecutor } from './run-executor.js';
import type { QueueExecutor } from '../queue/queue-executor.js';
import { coordinateQueue } from '../queue/queue-coordinator.js';
import { AutoSplitCalibration } from './auto-split-calibration.js';
import { measureSplitInWorker } from './calibration-worker.js';
import { loadSplitCalibration } from './split-calibration-store.js';
import { SweepService } from './sweep-service.js';
import { forkWorkerLauncher, type WorkerLauncher } from './worker-launcher.js';
import { workerSourceDecoder } from './import-worker-launcher.js';

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
   * This process runs work (default true): it registers as an owner in the store (a row with a lease,
   * renewed by a heartbeat, removed by `close()`), and recovers orphaned work at start — runs left
   * `queued`/`running` and sweeps left `running` by a process that is gone (see store/recovery.ts;
   * a live process's work is never touched). Commands that only read (e.g. `runs list`) pass false:
   * they neither register nor write anything.
   */
  recoverInterrupted?: boolean;
  /**
   * Requeue orphaned work at start, here: single runs that were queued or running, and interrupted
   * sweeps (default: true for the app shells, false for the CLI, where orphaned runs are marked
   * `interrupted` and `initscope sweep resume <id>` continues a sweep, so a `train` command never
   * picks up other runs).
   */
  resumeInterrupted?: boolean;
  /** How user files are decoded; default: in a memory-limited worker process per preview or import. */
  decoder?: SourceDecoder;
  /** Lease of this process's owner row in ms (default 60 s; see process-owner.ts). */
  ownerLeaseMs?: number;
  /**
   * Train runs through a job queue instead of local worker processes (`initscope sweep --queue`): this
   * process becomes the queue's coordinator (main/queue/queue-coordinator.ts); `url` is the Redis URL.
   */
  queue?: { url: string; name?: string };
  /**
   * Measure this machine's split calibration in the background when none is stored for it (see
   * auto-split-calibration.ts; runs use the built-in rule until it is stored). Default: true for the
   * app shells (long-lived), false for the CLI (its commands are short; `initscope calibrate` measures)
   * and for queue coordinators; the environment variable INITSCOPE_AUTO_CALIBRATE=0 turns it off.
   */
  autoCalibrate?: boolean;
}

/** The `owners.kind` of a shell. */
const OWNER_KIND = { electron: 'app', browser: 'serve', cli: 'cli' } as const;

/**
 * Opens the store (migrating it, or refusing a damaged database or one from a newer version),
 * registers this process as an owner and recovers the work of owners that are gone (marks it
 * `interrupted`, or requeues it here in the app shells; see `resumeInterrupted`), starts the engine
 * pool and returns the services every shell exposes.
 */
export async function createHostServices(options: HostOptions): Promise<HostServices> {
  const dbPath = options.dbPath ?? databasePath(options.dataDir);
  const db = openDatabase(dbPath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  const store = new RunStore(db);
  const sweepStore = new SweepStore(db);
  const sweepsAvailable = sweepStore.isAvailable();
  const recover = options.recoverInterrupted ?? true;
  const resume = recover && (options.resumeInterrupted ?? options.shell !== 'cli');
  let owner: ProcessOwner | null = null;
  let requeuedSingles: string[] = [];
  try {
    if (recover) {
      owner = registerProcessOwner(new OwnerStore(db), OWNER_KIND[options.shell], options.ownerLeaseMs);
      requeuedSingles = recoverOrphans(db, { ownerId: owner.id, requeueSingles: resume, finishedAt: new Date().toISOString() }).requeuedRunIds;
    }
  } catch (error) {
    owner?.release();
    db.close();
    throw error;
  }
  const version = appVersion();
  /** Most per-step loss points a report draws per run. */
  const REPORT_STEP_POINTS = 1000;
  const queueStore = new QueueStore(db);
  let executor: QueueExecutor | null = null;
  if (options.queue) {
    try {
      // Loaded only here: the queue client (bullmq, ioredis: ~260 modules) was a third of a CLI's start-up.
      const { QueueExecutor } = await import('../queue/queue-executor.js');
      executor = new QueueExecutor({ url: options.queue.url, ...(options.queue.name ? { queueName: options.queue.name } : {}), version, store: queueStore });
      await executor.open();
    } catch (error) {
      await executor?.close();
      owner?.release();
      db.close();
      throw error;
    }
  }
  const launcher = options.launcher ?? forkWorkerLauncher();
  const autoCalibrate = !options.queue && (options.autoCalibrate ?? (options.shell !== 'cli' && process.env.INITSCOPE_AUTO_CALIBRATE !== '0'));
  let calibration: AutoSplitCalibration | null = null;
  // Read once per host (or measured once in the background): a run's layout depends on the stored file only.
  const storedCalibration = autoCalibrate || executor ? null : loadSplitCalibration(options.dataDir);
  const enginePool = executor
    ? null
    : new EnginePool({
        launcher,
        size: Math.max(1, options.workers ?? os.availableParallelism()),
        splitCalibration: () => (calibration ? calibration.current() : storedCalibration),
      });
  if (enginePool && autoCalibrate) {
    calibration = new AutoSplitCalibration({ dataDir: options.dataDir, pool: enginePool, measure: (key) => measureSplitInWorker(launcher, key) });
  }
  const pool: RunExecutor = executor ?? (enginePool as EnginePool);
  const runs = new RunService(store, pool, version, owner);
  runs.storeLayerStatsIn(new LayerStatsStore(db));
  runs.storeSignalPropIn(new SignalPropStore(db));
  runs.storeStepLossesIn(new StepLossStore(db));
  runs.recordProvenanceIn(new RunProvenanceStore(db));
  const boundaries = new BoundaryService(
    pool,
    { write: (snapshot) => writeBoundaryFile(options.dataDir, snapshot), read: (runId) => readBoundaryFile(options.dataDir, runId) },
    (runId) => runs.get(runId),
  );
  const datasets = new DatasetService(new DatasetStore(db), options.dataDir, undefined, options.decoder ?? workerSourceDecoder());
  // Uploads left by hosts that are gone (crashed, killed) are deleted; a live host's are kept.
  if (options.shell !== 'cli') sweepStaleUploads(options.dataDir);
  const sources = new SourceRegistry(options.dataDir);
  runs.resolveDatasetsWith((ref) => datasets.resolve(ref));
  const sweeps = new SweepService(sweepStore, runs, version, owner);
  sweeps.useQueueStore(queueStore, executor?.label ?? null);
  const coordinator = executor ? coordinateQueue({ executor, runs, sweeps, queueStore, datasets }) : null;
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
    stepLosses: (id: string) => runs.stepLosses(id, REPORT_STEP_POINTS),
  };
  const exportRun = createRunExporter(exportDeps);
  const compareRuns = createCompareReporter(exportDeps);
  const exportSweep = createSweepExporter({ ...exportDeps, sweeps: sweepStore });
  const lab = new LabService({
    pool,
    runs,
    loadWeights: (runId) => (hasRunWeights(options.dataDir, runId) ? loadRunWeights(options.dataDir, runId) : null),
  });
  const handlers = createHandlers({
    lab,
    runs,
    manage: new RunManagement(runs, new RunManagementStore(db), options.dataDir),
    boundaries,
    sweeps,
    datasets,
    sources,
    exportRun,
    compareRuns,
    exportSweep,
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
    for (const id of requeuedSingles) runs.enqueue(id, runs.get(id).experiment);
    if (sweepsAvailable) sweeps.resumeInterrupted();
  }
  let closed = false;
  return {
    handlers,
    onEvent: (listener) => runs.onEvent(listener),
    onSweepEvent: (listener) => sweeps.onEvent(listener),
    onDatasetImportEvent: (listener) => datasets.onImportEvent(listener),
    onBoundaryEvent: (listener) => boundaries.onEvent(listener),
    exportRun,
    compareRuns,
    exportSweep,
    sources,
    findDownload: (sha256) => findDownload(artifacts, options.dataDir, sha256),
    async close(closeOptions) {
      if (closed) return;
      closed = true;
      sources.releaseAll();
      await calibration?.close();
      coordinator?.stop();
      sweeps.close();
      boundaries.close();
      const leave = closeOptions?.leaveUnfinished === true;
      if (leave) runs.close(); // stop listening first, so the pool's 'cancelled' events are not stored
      await pool.close();
      if (!leave) runs.close();
      owner?.release();
      db.close();
    },
  };
}
