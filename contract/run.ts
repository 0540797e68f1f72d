import { z } from 'zod';
import { LayerStats, SignalPropBlock } from './diagnostics.js';
import { ExperimentSpec } from './experiment.js';
import { EngineProvenance, RunProvenance } from './provenance.js';
import { StepLossPoint } from './step-loss.js';

/** Lifecycle of a run. `interrupted`: the host stopped while it ran. */
export const RunStatus = z.enum(['queued', 'running', 'completed', 'cancelled', 'failed', 'diverged', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

/**
 * Final (or latest) metrics of a run; losses in the loss's own units, accuracies in [0, 1]. For a
 * regression dataset (plane, multiGaussian) the losses are the mean squared error in squared target
 * units and both accuracies are null. Null also marks a missing or non-finite value.
 *
 * `testLoss`/`testAcc`: the trained model on the dataset's held-out test part, evaluated once when the
 * run finishes (also on early stop; never seen by training decisions). The `finished` event always
 * carries both, null where the dataset has no test part; a stored run's summary carries them only where
 * a value was recorded (absent: no test part, not finished, or stored before test metrics existed).
 */
export const FinalMetrics = z.object({
  trainLoss: z.number().nullable(),
  trainAcc: z.number().nullable(),
  valLoss: z.number().nullable(),
  valAcc: z.number().nullable(),
  testLoss: z.number().nullable().optional(),
  testAcc: z.number().nullable().optional(),
});
export type FinalMetrics = z.infer<typeof FinalMetrics>;

/**
 * One point of a training curve, recorded at the end of an epoch (`step` counts batches from 1).
 * Metrics as in {@link FinalMetrics} (accuracies null for a regression dataset).
 */
export const MetricPoint = z.object({
  epoch: z.number().int().min(0),
  step: z.number().int().min(0),
  trainLoss: z.number().nullable(),
  trainAcc: z.number().nullable(),
  valLoss: z.number().nullable(),
  valAcc: z.number().nullable(),
  /** Milliseconds since the run started. */
  elapsedMs: z.number().min(0),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

/** A stored run as listed in the UI and the CLI. Times are ISO-8601 strings. */
export const RunSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: RunStatus,
  experiment: ExperimentSpec,
  backend: z.string().nullable(),
  tfjsVersion: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  epochsDone: z.number().int().min(0),
  metrics: FinalMetrics,
  error: z.string().nullable(),
  /** For diverged runs: the step and layer where NaN/Inf first appeared. */
  divergedAtStep: z.number().int().nullable(),
  divergedLayer: z.string().nullable(),
  /** What determines the run's numbers (see RunProvenance); null before it started or for older runs. */
  provenance: RunProvenance.nullable().optional(),
  /**
   * The name the user gave the run ('runs/rename'); null or absent: `name` is the automatic one
   * (contract/run-name.ts), which clients may show in their own language instead.
   */
  customName: z.string().nullable().optional(),
  /** The name of the imported dataset the experiment names by id (null: a built-in, or deleted since). */
  datasetName: z.string().nullable().optional(),
  /** The run's tags, sorted ('runs/tag'). */
  tags: z.array(z.string()).optional(),
  /** The user's notes on the run ('runs/setNotes'); '' when none. */
  notes: z.string().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

const runId = z.string().min(1);

/** Most characters of a run name. */
export const MAX_RUN_NAME_LENGTH = 200;
/** Most characters of a run's notes. */
export const MAX_RUN_NOTES_LENGTH = 20_000;
/** Most tags on one run. */
export const MAX_RUN_TAGS = 32;

/** A run name as a user writes it: trimmed, 1–200 characters, no line breaks. */
export const RunName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_RUN_NAME_LENGTH)
  .regex(/^[^\r\n]*$/, 'must be one line');

/** A tag: trimmed, 1–40 characters without spaces or quotes, e.g. `baseline`, `paper-fig3`. */
export const RunTag = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40)
  .regex(/^[^\s"]+$/, 'must have no spaces or quotes');

/** Events a run emits while it trains; streamed from the engine worker through the host to every client. */
export const RunEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('started'),
    runId,
    backend: z.string(),
    tfjsVersion: z.string(),
    totalEpochs: z.number().int(),
    stepsPerEpoch: z.number().int(),
    trainSamples: z.number().int(),
    valSamples: z.number().int(),
    /** Samples of the dataset's held-out test part, evaluated once when the run finishes (0: none). */
    testSamples: z.number().int().min(0).optional(),
    /** The engine's part of the run's reproducibility record (the host adds the InitScope version). */
    provenance: EngineProvenance.optional(),
  }),
  z.object({
    type: z.literal('progress'),
    runId,
    point: MetricPoint,
    totalEpochs: z.number().int(),
    /** Estimated seconds left, from the mean epoch time so far. */
    etaSeconds: z.number().min(0).nullable(),
    /**
     * Cores most of the epoch's training steps ran on: 2 when they split their batches across two
     * cores (a run alone in the engine pool, where splitting measured faster; engine/parallel), else 1.
     * Absent when the run could never split (other backends, small steps, batchNorm).
     */
    cores: z.number().int().min(1).max(2).optional(),
  }),
  /**
   * Per-step training losses since the previous `stepLoss` event, in step order (see StepLossPoint and
   * stepLossWindow): sent every STEP_LOSS_BATCH points, at each epoch's end and before the terminal event.
   */
  z.object({ type: z.literal('stepLoss'), runId, points: z.array(StepLossPoint).min(1).max(10000) }),
  /** Per-layer statistics at one recorded step (every `train.statsEvery` steps; see contract/diagnostics.ts). */
  z.object({
    type: z.literal('layerStats'),
    runId,
    step: z.number().int().min(0),
    epoch: z.number().int().min(0),
    layers: z.array(LayerStats),
    /** Signal propagation of the network's residual blocks at this step; absent without blocks. */
    signalProp: z.array(SignalPropBlock).optional(),
    /**
     * Signal propagation of the untrained network (step 0, measured before the first update), sent
     * with the run's first `layerStats` event only; absent without blocks.
     */
    signalPropInit: z.array(SignalPropBlock).optional(),
  }),
  z.object({
    type: z.literal('finished'),
    runId,
    metrics: FinalMetrics,
    epochs: z.number().int(),
    durationMs: z.number(),
    /** True when `train.earlyStop` ended the run before its last epoch. */
    stoppedEarly: z.boolean().optional(),
  }),
  z.object({ type: z.literal('failed'), runId, error: z.string() }),
  z.object({
    type: z.literal('diverged'),
    runId,
    step: z.number().int(),
    epoch: z.number().int(),
    layer: z.string().nullable(),
    metrics: FinalMetrics,
  }),
  z.object({ type: z.literal('cancelled'), runId, epoch: z.number().int(), step: z.number().int(), metrics: FinalMetrics }),
]);
export type RunEvent = z.infer<typeof RunEvent>;
export type RunEventType = RunEvent['type'];

/** Event types that end a run. */
export const TERMINAL_EVENT_TYPES: ReadonlySet<RunEventType> = new Set(['finished', 'failed', 'diverged', 'cancelled']);
