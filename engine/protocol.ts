import { z } from 'zod';
import {
  BoundaryEvent,
  CoordCheckRequest,
  CoordCheckResult,
  describeIssues,
  ExperimentSpec,
  InitializerSpec,
  JacobianReport,
  PhaseDiagram,
  PhaseRequest,
  PreviewResult,
  RunEvent,
  SplitCalibration,
  SplitCalibrationKey,
} from '../contract/index.js';

/**
 * Messages between the host and an engine worker process (over the process IPC channel), as zod
 * schemas: each side parses what it receives (the worker with {@link HostToWorker}, the engine pool with
 * {@link WorkerToHost}) and never casts. One worker trains one run at a time.
 */

const Id = z.string().min(1);
/** A positive whole number of cores. */
const CoreCount = z.int().min(1);

/** Where a worker finds an imported dataset: the stored `.isds` file the host resolved its id to. */
export const DatasetSourceMessage = z.object({ path: z.string().min(1) });

/**
 * One trained tensor (engine/export/weights.ts NamedWeight): row-major float32 `values` with `shape`.
 * The values are checked by type and length only (a Float32Array is not walked element by element);
 * main/export/weights-file.ts checks names and duplicates before storing.
 */
export const NamedWeightMessage = z
  .object({
    name: z.string().min(1),
    shape: z.array(z.int().min(1)).max(8),
    values: z.custom<Float32Array>((v) => v instanceof Float32Array, { message: 'expected a Float32Array' }),
  })
  .refine((w) => w.values.length === w.shape.reduce((a, b) => a * b, 1), { message: 'values.length is not the product of shape', path: ['values'] });

/**
 * A signal-propagation lab computation (engine/lab): a phase diagram (plain float64, no tensors) or the
 * Jacobian spectra of an experiment's network at init and, with `trained`, with a run's stored weights.
 */
export const LabJob = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('phase'), request: PhaseRequest }),
  z.object({
    kind: z.literal('jacobian'),
    experiment: ExperimentSpec,
    probes: z.int().min(1).max(16).optional(),
    trained: z.array(NamedWeightMessage).optional(),
    trainedMissing: z.string().optional(),
    dataset: DatasetSourceMessage.optional(),
  }),
]);
export type LabJob = z.infer<typeof LabJob>;

/** The result of a {@link LabJob}, of the same kind. */
export const LabOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('phase'), diagram: PhaseDiagram }),
  z.object({ kind: z.literal('jacobian'), report: JacobianReport }),
]);
export type LabOutcome = z.infer<typeof LabOutcome>;

export const HostToWorker = z.discriminatedUnion('type', [
  /**
   * `dataset`: for an imported dataset (`{ id }`), the stored file the host resolved the id to.
   * `cores`: how many cores the run may use now (default 1; 2 lets a two-part run compute its second
   * parts on the other core, see engine/parallel; never changes the numbers).
   * `recordedSplit`: for a reproduction, the step layout recorded by the original run (its provenance's
   * split.parts === 2), used instead of decideSplit's rule.
   * `calibration`: the machine's stored split calibration (main/services/split-calibration-store.ts),
   * which decideSplit's rule uses before the run; absent when none is stored.
   */
  z.object({
    type: z.literal('start'),
    runId: Id,
    experiment: ExperimentSpec,
    dataset: DatasetSourceMessage.optional(),
    cores: CoreCount.optional(),
    recordedSplit: z.boolean().optional(),
    calibration: SplitCalibration.optional(),
  }),
  /** The engine pool changed how many cores the current run may use (from its next step; numbers unchanged). */
  z.object({ type: z.literal('cores'), runId: Id, cores: CoreCount }),
  z.object({ type: z.literal('cancel'), runId: Id }),
  /**
   * Init preview (engine/diagnostics/preview.ts), answered by one 'previewResult' with the same
   * requestId. Runs beside a training run in the same worker (it only interleaves at awaits).
   */
  z.object({
    type: z.literal('preview'),
    requestId: Id,
    experiment: ExperimentSpec,
    initializers: z.array(InitializerSpec).optional(),
    probeSize: z.int().min(1).optional(),
    dataset: DatasetSourceMessage.optional(),
  }),
  /** A lab computation (engine/lab), answered by one 'labResult' with the same requestId; runs beside training like a preview. */
  z.object({ type: z.literal('lab'), requestId: Id, job: LabJob }),
  /** μP coordinate check (engine/lab/coord-check.ts), answered by one 'coordCheckResult' with the same requestId. */
  z.object({ type: z.literal('coordCheck'), requestId: Id, request: CoordCheckRequest, dataset: DatasetSourceMessage.optional() }),
  /**
   * Measure this machine's split calibration (engine/parallel/calibrate-split.ts) for `key`, answered by
   * one 'calibrateResult' with the same requestId. Sent only to a worker started for it (no run beside it).
   */
  z.object({ type: z.literal('calibrate'), requestId: Id, key: SplitCalibrationKey }),
  z.object({ type: z.literal('shutdown') }),
]);
export type HostToWorker = z.infer<typeof HostToWorker>;

export const WorkerToHost = z.discriminatedUnion('type', [
  /** Sent once after the backend is initialised. */
  z.object({ type: z.literal('ready'), backend: z.string().min(1), tfjsVersion: z.string() }),
  z.object({ type: z.literal('event'), event: RunEvent }),
  /** The answer to a 'preview': `result` on success, else `error` (the message). */
  z.object({ type: z.literal('previewResult'), requestId: Id, result: z.array(PreviewResult).optional(), error: z.string().optional() }),
  /** The answer to a 'lab': `result` on success, else `error` (the message). */
  z.object({ type: z.literal('labResult'), requestId: Id, result: LabOutcome.optional(), error: z.string().optional() }),
  /** The answer to a 'coordCheck': `result` on success, else `error` (the message). */
  z.object({ type: z.literal('coordCheckResult'), requestId: Id, result: CoordCheckResult.optional(), error: z.string().optional() }),
  /** The answer to a 'calibrate': `result` on success, else `error` (the message). */
  z.object({ type: z.literal('calibrateResult'), requestId: Id, result: SplitCalibration.optional(), error: z.string().optional() }),
  /**
   * The trained weights of a run that ended 'finished' or 'cancelled', sent just before that terminal
   * event (so the host has stored them when it learns the run ended). See engine/export/weights.ts.
   */
  z.object({ type: z.literal('weights'), runId: Id, tensors: z.array(NamedWeightMessage) }),
  /** A decision-boundary picture of the current run (2-D inputs only; see engine/boundary/ and contract/boundary.ts). */
  z.object({ type: z.literal('boundary'), event: BoundaryEvent }),
]);
export type WorkerToHost = z.infer<typeof WorkerToHost>;

/** What a receiving side learns from a message: the parsed message, or why it is invalid and whose it was. */
export type ParsedMessage<T> =
  | { ok: true; message: T }
  | {
      ok: false;
      /** Field-named reason, e.g. `event.metrics: …` or `type: unknown value "started2" (…)`. */
      error: string;
      /** The message's `type`, `runId` and `requestId` when they were readable strings (to say whose run or request fails). */
      type?: string;
      runId?: string;
      requestId?: string;
    };

/** Parses one raw IPC message with `schema`; never throws. */
export function parseMessage<S extends typeof HostToWorker | typeof WorkerToHost>(schema: S, raw: unknown): ParsedMessage<z.infer<S>> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, message: result.data as z.infer<S> };
  const error = describeIssues(result.error, raw)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  const field = (key: string): string | undefined => {
    const value = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const type = field('type');
  const runId = field('runId') ?? (raw && typeof raw === 'object' ? readRunId((raw as { event?: unknown }).event) : undefined);
  const requestId = field('requestId');
  return { ok: false, error, ...(type ? { type } : {}), ...(runId ? { runId } : {}), ...(requestId ? { requestId } : {}) };
}

/** The runId of a (possibly malformed) run event, if it has a readable one. */
function readRunId(event: unknown): string | undefined {
  const value = event && typeof event === 'object' ? (event as { runId?: unknown }).runId : undefined;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
