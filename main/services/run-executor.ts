import type { BoundaryEvent, CoordCheckResult, ExperimentSpec, PreviewResult, RunEvent } from '../../contract/index.js';
import type { DatasetSource, LabJob, LabOutcome } from '../../engine/index.js';
import type { CoordCheckJob, PreviewRequest } from './worker-request-kinds.js';

/**
 * What trains the runs the RunService stores: the local engine pool (worker processes on this machine,
 * main/services/engine-pool.ts) or a job queue fed to `initscope worker` processes on any machine
 * (main/queue/queue-executor.ts). The RunService persists every event an executor emits, whichever it is.
 */
export interface RunExecutor {
  /**
   * Queues a run; it starts as soon as a worker is free.
   * @param recordedSplit for a reproduction, the original's step layout (provenance split.parts === 2)
   */
  submit(runId: string, experiment: ExperimentSpec, dataset?: DatasetSource, recordedSplit?: boolean): void;
  /** Cancels a queued run, or asks a running one to stop; returns false if the run is unknown here. */
  cancel(runId: string): boolean;
  /** Subscribes to run events; returns the unsubscribe function. */
  onEvent(listener: (event: RunEvent) => void): () => void;
  /** Subscribes to the trained weights sent for a run before its terminal event (unchecked `tensors`). */
  onWeights(listener: (runId: string, tensors: unknown) => void): () => void;
  /** Init preview of an experiment in an engine worker. */
  preview(request: PreviewRequest): Promise<PreviewResult[]>;
  /** A signal-propagation lab computation (phase diagram, Jacobian spectrum) in an engine worker. */
  lab(job: LabJob): Promise<LabOutcome>;
  /** A μP coordinate check (engine/lab/coord-check.ts) in an engine worker. */
  coordCheck(job: CoordCheckJob): Promise<CoordCheckResult>;
  /** Subscribes to the decision-boundary pictures of running runs on 2-D datasets; returns the unsubscribe function. */
  onBoundary(listener: (event: BoundaryEvent) => void): () => void;
  /** Stops everything the executor started (runs it still holds end `cancelled`, unless it hands them on). */
  close(graceMs?: number): Promise<void>;
}
