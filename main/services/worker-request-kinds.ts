import {
  InitScopeError,
  type CoordCheckRequest,
  type CoordCheckResult,
  type ExperimentSpec,
  type InitializerSpec,
  type PreviewResult,
} from '../../contract/index.js';
import type { DatasetSource, LabJob, LabOutcome } from '../../engine/index.js';
import type { WorkerRequestKind } from './worker-requests.js';

/** What an init preview needs (see contract method 'engine/preview'). */
export interface PreviewRequest {
  experiment: ExperimentSpec;
  initializers?: InitializerSpec[];
  probeSize?: number;
  /** An imported dataset's stored file, resolved by the host. */
  dataset?: DatasetSource;
}

/** What a μP coordinate check needs (see contract method 'lab/coordCheck'). */
export interface CoordCheckJob {
  request: CoordCheckRequest;
  /** An imported dataset's stored file, resolved by the host. */
  dataset?: DatasetSource;
}

/** Init previews (engine/diagnostics/preview.ts): a 'preview' message answered by 'previewResult'; 60 s at most. */
export const PREVIEW_REQUESTS: WorkerRequestKind<PreviewRequest, PreviewResult[], 'previewResult'> = {
  answerType: 'previewResult',
  idPrefix: 'preview',
  name: 'init preview',
  during: 'the init preview',
  timeoutMs: 60_000,
  message: (requestId, { experiment, initializers, probeSize, dataset }) => ({
    type: 'preview',
    requestId,
    experiment,
    ...(initializers ? { initializers } : {}),
    ...(probeSize !== undefined ? { probeSize } : {}),
    ...(dataset ? { dataset } : {}),
  }),
  result: (answer) => answer.result ?? new InitScopeError('internal', 'The engine sent an init preview with neither a result nor an error'),
};

/**
 * Lab computations (engine/lab: phase diagram, Jacobian spectrum): a 'lab' message answered by
 * 'labResult', whose result must be of the kind asked; 180 s at most.
 */
export const LAB_REQUESTS: WorkerRequestKind<LabJob, LabOutcome, 'labResult'> = {
  answerType: 'labResult',
  idPrefix: 'lab',
  name: 'lab computation',
  during: 'a lab computation',
  timeoutMs: 180_000,
  message: (requestId, job) => ({ type: 'lab', requestId, job }),
  result: (answer, job) =>
    answer.result && answer.result.kind === job.kind
      ? answer.result
      : new InitScopeError('internal', `The engine sent a lab result of kind '${answer.result?.kind ?? 'none'}' for a '${job.kind}' job`),
};

/** μP coordinate checks (engine/lab/coord-check.ts): a 'coordCheck' message answered by 'coordCheckResult'; 5 minutes at most. */
export const COORD_CHECK_REQUESTS: WorkerRequestKind<CoordCheckJob, CoordCheckResult, 'coordCheckResult'> = {
  answerType: 'coordCheckResult',
  idPrefix: 'coord',
  name: 'coordinate check',
  during: 'the coordinate check',
  timeoutMs: 300_000,
  message: (requestId, job) => ({ type: 'coordCheck', requestId, request: job.request, ...(job.dataset ? { dataset: job.dataset } : {}) }),
  result: (answer) => answer.result ?? new InitScopeError('internal', 'The engine sent a coordinate check with neither a result nor an error'),
};
