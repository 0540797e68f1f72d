import type { ExperimentSpec, InitializerSpec, PreviewResult, RunEvent } from '../contract/index.js';
import type { DatasetSource } from './datasets/index.js';
import type { NamedWeight } from './export/weights.js';

/**
 * Messages between the host and an engine worker process (over the process IPC channel).
 * One worker trains one run at a time.
 */
export type HostToWorker =
  /**
   * `dataset`: for an imported dataset (`{ id }`), the stored file the host resolved the id to.
   * `cores`: how many cores the run may use now (default 1; 2 lets a two-part run compute its second
   * parts on the other core, see engine/parallel; never changes the numbers).
   * `recordedSplit`: for a reproduction, the step layout recorded by the original run (its provenance's
   * split.parts === 2), used instead of decideSplit's rule.
   */
  | { type: 'start'; runId: string; experiment: ExperimentSpec; dataset?: DatasetSource; cores?: number; recordedSplit?: boolean }
  /** The engine pool changed how many cores the current run may use (from its next step; numbers unchanged). */
  | { type: 'cores'; runId: string; cores: number }
  | { type: 'cancel'; runId: string }
  /**
   * Init preview (engine/diagnostics/preview.ts), answered by one 'previewResult' with the same
   * requestId. Runs beside a training run in the same worker (it only interleaves at awaits).
   */
  | {
      type: 'preview';
      requestId: string;
      experiment: ExperimentSpec;
      initializers?: InitializerSpec[];
      probeSize?: number;
      dataset?: DatasetSource;
    }
  | { type: 'shutdown' };

export type WorkerToHost =
  /** Sent once after the backend is initialised. */
  | { type: 'ready'; backend: string; tfjsVersion: string }
  | { type: 'event'; event: RunEvent }
  /** The answer to a 'preview': `result` on success, else `error` (the message). */
  | { type: 'previewResult'; requestId: string; result?: PreviewResult[]; error?: string }
  /**
   * The trained weights of a run that ended 'finished' or 'cancelled', sent just before that terminal
   * event (so the host has stored them when it learns the run ended). See engine/export/weights.ts.
   */
  | { type: 'weights'; runId: string; tensors: NamedWeight[] };
