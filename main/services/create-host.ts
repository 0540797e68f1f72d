import os from 'node:os';
import { listBuiltinDatasets } from '../../engine/datasets/builtin.js';
import { appVersion, APP_NAME, databasePath } from '../app-paths.js';
import { openDatabase, RunStore } from '../store/index.js';
import { EnginePool } from './engine-pool.js';
import { createHandlers } from './handlers.js';
import type { HostServices, ShellKind } from './host-services.js';
import { RunService } from './run-service.js';
import { forkWorkerLauncher, type WorkerLauncher } from './worker-launcher.js';

export interface HostOptions {
  /** Per-user data folder (database, imported datasets, exports). */
  dataDir: string;
  /** Database file; defaults to `<dataDir>/initscope.db`. */
  dbPath?: string;
  shell: ShellKind;
  /** Engine worker processes; defaults to the number of cores. */
  workers?: number;
  /** How workers are started; defaults to `child_process.fork`. Electron passes a utilityProcess launcher. */
  launcher?: WorkerLauncher;
  /**
   * Mark runs left `queued`/`running` by a previous crash as `interrupted` (default true). Commands that
   * only read (e.g. `runs list`) pass false so they never touch the runs of an app that is running.
   */
  recoverInterrupted?: boolean;
}

/**
 * Opens the store (migrating it, or refusing a database from a newer version), marks runs that a
 * previous crash left unfinished as `interrupted`, starts the engine pool and returns the services
 * every shell exposes.
 */
export async function createHostServices(options: HostOptions): Promise<HostServices> {
  const dbPath = options.dbPath ?? databasePath(options.dataDir);
  const db = openDatabase(dbPath);
  const store = new RunStore(db);
  if (options.recoverInterrupted ?? true) store.markUnfinishedInterrupted(new Date().toISOString());
  const pool = new EnginePool({
    launcher: options.launcher ?? forkWorkerLauncher(),
    size: Math.max(1, options.workers ?? os.availableParallelism()),
  });
  const version = appVersion();
  const runs = new RunService(store, pool, version);
  const handlers = createHandlers({
    runs,
    datasets: listBuiltinDatasets,
    info: {
      name: APP_NAME,
      version,
      shell: options.shell,
      dataDir: options.dataDir,
      dbPath,
      preferredBackend: process.env.INITSCOPE_BACKEND ?? 'auto',
    },
  });
  let closed = false;
  return {
    handlers,
    onEvent: (listener) => runs.onEvent(listener),
    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
      runs.close();
      db.close();
    },
  };
}
