import type { ExperimentSpec, RunEvent } from '../contract/index.js';

/**
 * Messages between the host and an engine worker process (over the process IPC channel).
 * One worker trains one run at a time.
 */
export type HostToWorker =
  | { type: 'start'; runId: string; experiment: ExperimentSpec }
  | { type: 'cancel'; runId: string }
  | { type: 'shutdown' };

export type WorkerToHost =
  /** Sent once after the backend is initialised. */
  | { type: 'ready'; backend: string; tfjsVersion: string }
  | { type: 'event'; event: RunEvent };
