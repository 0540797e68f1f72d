import type { DatasetService } from '../datasets/dataset-service.js';
import type { RunService } from '../services/run-service.js';
import type { SweepService } from '../services/sweep-service.js';
import type { QueueStore } from '../store/queue-store.js';
import type { QueueExecutor } from './queue-executor.js';

/** What {@link coordinateQueue} ties together. */
export interface QueueCoordinatorDeps {
  executor: QueueExecutor;
  runs: RunService;
  sweeps: SweepService;
  queueStore: QueueStore;
  datasets: DatasetService;
}

/**
 * Makes a host the coordinator of a queue: stored rows are flushed before the executor acknowledges
 * events, a lost run can be queued again (its experiment and dataset looked up), and every
 * `intervalMs` the connected workers are recorded on the active sweeps (for the app) and a cancel asked
 * by another process (QueueStore.requestCancel, e.g. from the app) is carried out here.
 */
export function coordinateQueue(deps: QueueCoordinatorDeps, intervalMs = 2000): { stop(): void } {
  const { executor, runs, sweeps, queueStore, datasets } = deps;
  executor.flushBeforeAck(() => runs.flushPending());
  executor.experimentOf = (runId) => {
    try {
      return runs.get(runId).experiment;
    } catch {
      return undefined;
    }
  };
  executor.datasetOf = (experiment) => datasets.resolve(experiment.dataset).source;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const ids = sweeps.activeIds();
      if (ids.length === 0) return;
      const workers = await executor.workersConnected();
      const at = new Date().toISOString();
      for (const id of ids) {
        queueStore.setWorkersConnected(id, workers, at);
        if (queueStore.sweep(id)?.cancelRequested) {
          queueStore.clearCancel(id);
          sweeps.cancel(id);
        }
      }
    } catch (error) {
      console.error(`InitScope: queue coordinator: ${(error as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  void tick();
  return { stop: () => clearInterval(timer) };
}
