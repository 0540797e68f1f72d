import { z } from 'zod';
import { strictObject } from './strict.js';
import { ActivationSpec } from './activation.js';
import { ExperimentSpec } from './experiment.js';
import { InitializerSpec } from './initializer.js';
import { FinalMetrics, RunStatus } from './run.js';
import { OptimizerSpec } from './training.js';

/** The most runs one sweep may hold; a larger product of axes is refused with the breakdown. */
export const MAX_SWEEP_RUNS = 2000;

/**
 * Bounds of a sweep (the one source for SweepAxes/SweepSpec and the renderer's sweep form): values per
 * axis, seeds per cell, the name's length, and each number axis's range (`positive`: min exclusive).
 */
export const SWEEP_LIMITS = {
  maxAxisValues: 64,
  maxSeeds: 100,
  maxNameLength: 200,
  learningRate: { min: 0, max: 100, positive: true },
  batchSize: { integer: true, min: 1, max: 65536 },
  depth: { integer: true, min: 1, max: 64 },
} as const;

/** Axes a sweep can vary, in the order they are listed (and expanded, outermost first after seeds). */
export const SWEEP_AXIS_NAMES = ['initializer', 'activation', 'optimizer', 'learningRate', 'batchSize', 'depth'] as const;
export const SweepAxisName = z.enum(SWEEP_AXIS_NAMES);
export type SweepAxisName = z.infer<typeof SweepAxisName>;

/**
 * The values each axis takes; an omitted axis keeps the base experiment's value.
 * - `initializer`: kernel initializer of every dense layer (hidden and output); biases keep theirs.
 * - `activation`: activation of every hidden dense layer (the last dense layer keeps its own, e.g. softmax).
 * - `optimizer`: replaces `train.optimizer`; `learningRate` (per batch step) then overrides its rate.
 * - `batchSize`: samples per step. `depth`: number of hidden dense layers (see the sweep service).
 * - `seeds`: how many seeds per cell: base seed, base seed + 1, …
 */
export const SweepAxes = strictObject({
  initializer: z.array(InitializerSpec).min(1).max(SWEEP_LIMITS.maxAxisValues).optional(),
  activation: z.array(ActivationSpec).min(1).max(SWEEP_LIMITS.maxAxisValues).optional(),
  optimizer: z.array(OptimizerSpec).min(1).max(SWEEP_LIMITS.maxAxisValues).optional(),
  learningRate: z.array(z.number().positive().max(SWEEP_LIMITS.learningRate.max)).min(1).max(SWEEP_LIMITS.maxAxisValues).optional(),
  batchSize: z.array(z.number().int().min(SWEEP_LIMITS.batchSize.min).max(SWEEP_LIMITS.batchSize.max)).min(1).max(SWEEP_LIMITS.maxAxisValues).optional(),
  depth: z.array(z.number().int().min(SWEEP_LIMITS.depth.min).max(SWEEP_LIMITS.depth.max)).min(1).max(SWEEP_LIMITS.maxAxisValues).optional(),
  seeds: z.number().int().min(1).max(SWEEP_LIMITS.maxSeeds).default(1),
});
export type SweepAxes = z.infer<typeof SweepAxes>;

/** A sweep: a base experiment and the axes whose product is the set of runs. */
export const SweepSpec = strictObject({
  name: z.string().min(1).max(SWEEP_LIMITS.maxNameLength).default('sweep'),
  base: ExperimentSpec,
  axes: SweepAxes,
  /** Accuracy in [0, 1] used for "epochs to target" in the summary (validation accuracy, else training). */
  targetAccuracy: z.number().gt(0).max(1).default(0.9),
});
export type SweepSpec = z.infer<typeof SweepSpec>;
export type SweepInput = z.input<typeof SweepSpec>;

/** One axis as expanded: its name and a display label per value (index = coordinate). */
export const SweepAxisInfo = z.object({ name: SweepAxisName, labels: z.array(z.string()) });
export type SweepAxisInfo = z.infer<typeof SweepAxisInfo>;

/** What a sweep would run, shown before it starts. */
export const SweepPlan = z.object({
  name: z.string(),
  axes: z.array(SweepAxisInfo),
  seeds: z.number().int(),
  /** Number of runs: product of the axis sizes × seeds. */
  total: z.number().int(),
  /** e.g. `5 activation × 3 initializer × 3 seeds = 45 runs`. */
  description: z.string(),
  maxRuns: z.number().int(),
});
export type SweepPlan = z.infer<typeof SweepPlan>;

/** Lifecycle of a sweep. `interrupted`: the host stopped while it ran (resume continues it). */
export const SweepStatus = z.enum(['running', 'completed', 'cancelled', 'interrupted']);
export type SweepStatus = z.infer<typeof SweepStatus>;

/** How many runs of a sweep are in each status. */
export const SweepCounts = z.object(
  Object.fromEntries(RunStatus.options.map((s) => [s, z.number().int().min(0)])) as {
    [S in RunStatus]: z.ZodNumber;
  },
);
export type SweepCounts = z.infer<typeof SweepCounts>;

/** Progress of a whole sweep. `done` counts runs that ended (completed, diverged, failed, cancelled). */
export const SweepProgress = z.object({
  sweepId: z.string(),
  status: SweepStatus,
  total: z.number().int(),
  done: z.number().int(),
  /** Runs that failed (worker crash, bad spec…); diverged runs are results, not failures. */
  failures: z.number().int(),
  counts: SweepCounts,
  /** Seconds left at the throughput seen since this host (re)started the sweep; null until a run ended. */
  etaSeconds: z.number().min(0).nullable(),
});
export type SweepProgress = z.infer<typeof SweepProgress>;

/** A stored sweep as listed. Times are ISO-8601. */
export const SweepInfo = z.object({
  id: z.string(),
  name: z.string(),
  status: SweepStatus,
  spec: SweepSpec,
  axes: z.array(SweepAxisInfo),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  progress: SweepProgress,
  /**
   * For a sweep run through a job queue (`initscope sweep --queue`): the queue (a label without
   * credentials, e.g. `redis://lab1:6379/0 initscope`), how many workers were connected at the
   * coordinator's last look, and when that was. Absent or null for a sweep run by a local pool.
   */
  queue: z
    .object({ label: z.string(), workersConnected: z.number().int().min(0), updatedAt: z.string() })
    .nullable()
    .optional(),
});
export type SweepInfo = z.infer<typeof SweepInfo>;

/** Coordinates of a run in the grid: axis name → index into that axis's values. */
export const SweepCoords = z.partialRecord(SweepAxisName, z.number().int().min(0));
export type SweepCoords = z.infer<typeof SweepCoords>;

/** One run of a sweep with its place in the grid. */
export const SweepRunInfo = z.object({
  runId: z.string(),
  /** Order of the run in the sweep (0-based; seeds outermost). */
  position: z.number().int(),
  seedIndex: z.number().int(),
  seed: z.number().int(),
  coords: SweepCoords,
  status: RunStatus,
  epochsDone: z.number().int(),
  metrics: FinalMetrics,
  divergedAtStep: z.number().int().nullable(),
  error: z.string().nullable(),
  /** The machine that trains (or trained) the run, for a sweep run through a job queue; else null or absent. */
  worker: z.string().nullable().optional(),
});
export type SweepRunInfo = z.infer<typeof SweepRunInfo>;

/** A sweep with every run. */
export const SweepDetail = SweepInfo.extend({ runs: z.array(SweepRunInfo) });
export type SweepDetail = z.infer<typeof SweepDetail>;

/**
 * The final metric a summary compares. Accuracies rank high-first, losses low-first. testAcc/testLoss:
 * the dataset's held-out test part, evaluated once per run at its end (runs without one have no value).
 */
export const SWEEP_METRICS = ['valAcc', 'valLoss', 'trainAcc', 'trainLoss', 'testAcc', 'testLoss'] as const;
export const SweepMetric = z.enum(SWEEP_METRICS);
export type SweepMetric = z.infer<typeof SweepMetric>;

/** Welch's unequal-variance t-test of the best cell against another (two-sided). */
export const WelchResult = z.object({ t: z.number(), df: z.number(), pValue: z.number().min(0).max(1) });
export type WelchResult = z.infer<typeof WelchResult>;

/**
 * One cell of the grid (a combination of axis values) over its seeds. `mean`/`std` (sample std,
 * n−1) are over the runs that completed; diverged runs are counted, not averaged.
 */
export const SweepCell = z.object({
  coords: SweepCoords,
  labels: z.partialRecord(SweepAxisName, z.string()),
  runIds: z.array(z.string()),
  /** Completed runs whose metric is known (the n of mean/std). */
  n: z.number().int(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  diverged: z.number().int(),
  failed: z.number().int(),
  /** Runs not ended yet (queued, running, interrupted) or cancelled. */
  pending: z.number().int(),
  /** Runs that reached the target accuracy, and the mean first epoch (from 1) at which they did. */
  reachedTarget: z.number().int(),
  meanEpochsToTarget: z.number().nullable(),
  /** 1 = best; null when the cell has no value. */
  rank: z.number().int().nullable(),
  /** Best cell vs this one; null for the best cell itself or with fewer than 2 values on a side. */
  welchVsBest: WelchResult.nullable(),
});
export type SweepCell = z.infer<typeof SweepCell>;

/** Activations for which the sweep heatmap draws the trainable-depth curve (odd, bounded, tanh-like). */
export const TANH_LIKE_ACTIVATIONS = ['tanh', 'softsign'] as const;
/** Schoenholz et al. 2017: a network trains iff its depth ≲ this many correlation depth scales ξ_c. */
export const TRAINABLE_DEPTH_FACTOR = 6;

/** The trainable-depth limit 6·ξ_c at one σ_w² value of the heatmap's weight-variance axis. */
export const TrainabilityPoint = z.object({
  /** Index of the value on the heatmap's initializer axis. */
  index: z.number().int().min(0),
  /** σ_w²: the varianceScaling scale (mode fanIn), so weights ~ N(0, σ_w²/fan_in). */
  weightVariance: z.number(),
  phase: z.enum(['ordered', 'chaotic', 'critical', 'unbounded']),
  /** ξ_c in layers; null where it is infinite (critical) or undefined (unbounded). */
  xiC: z.number().nullable(),
  /** 6·ξ_c in hidden layers; null where infinite (critical) or undefined (unbounded). */
  depthLimit: z.number().nullable(),
  /**
   * Where 6·ξ_c falls on the heatmap's depth axis, in cell units (k = the k-th depth value's centre;
   * linear in depth between neighbouring values), clipped to [−0.5, n − 0.5]; null for an undefined limit.
   */
  position: z.number().nullable(),
  /** `above`/`below` when 6·ξ_c lies beyond the last/first depth value (position clipped to the edge). */
  clipped: z.enum(['above', 'below']).nullable(),
});
export type TrainabilityPoint = z.infer<typeof TrainabilityPoint>;

/**
 * The 6·ξ_c(σ_w², σ_b²) curve of Schoenholz et al. 2017 ("Deep Information Propagation", Fig. 5–6)
 * over a depth × σ_w² heatmap: present only when one heatmap axis is `depth` (number of hidden dense
 * layers), the other `initializer` with every value a fanIn varianceScaling (σ_w² = scale), every
 * hidden layer a dense layer with one tanh-like activation and one zero-mean normal (or zero) bias
 * initializer (σ_b² = std²). Computed by the engine's mean-field code (engine/lab/mean-field-maps.ts).
 */
export const TrainabilityOverlay = z.object({
  activation: z.enum(TANH_LIKE_ACTIVATIONS),
  biasVariance: z.number().min(0),
  factor: z.number(),
  /** Which heatmap axis holds σ_w² (the other holds depth). */
  weightAxis: z.enum(['row', 'col']),
  points: z.array(TrainabilityPoint),
});
export type TrainabilityOverlay = z.infer<typeof TrainabilityOverlay>;

/**
 * A heatmap over two axes: `mean[r][c]` etc. pool every run whose row/column coordinates match (over
 * seeds, and over the other axes unless they are fixed with `fixed`). Rows and columns follow the axis order.
 */
export const SweepHeatmap = z.object({
  rowAxis: SweepAxisName,
  colAxis: SweepAxisName.nullable(),
  rowLabels: z.array(z.string()),
  colLabels: z.array(z.string()),
  mean: z.array(z.array(z.number().nullable())),
  std: z.array(z.array(z.number().nullable())),
  n: z.array(z.array(z.number().int())),
  diverged: z.array(z.array(z.number().int())),
  /** The trainable-depth curve 6·ξ_c over a depth × σ_w² heatmap of a tanh-like MLP; absent or null otherwise. */
  trainability: TrainabilityOverlay.nullable().optional(),
});
export type SweepHeatmap = z.infer<typeof SweepHeatmap>;

/** Everything the Sweeps view and `initscope sweep --json` show when a sweep ends. */
export const SweepSummary = z.object({
  sweepId: z.string(),
  name: z.string(),
  status: SweepStatus,
  metric: SweepMetric,
  targetAccuracy: z.number(),
  axes: z.array(SweepAxisInfo),
  seeds: z.number().int(),
  progress: SweepProgress,
  /** Every cell, best first (cells without a value last). */
  ranked: z.array(SweepCell),
  /** Null when the sweep has no axis (seeds only). */
  heatmap: SweepHeatmap.nullable(),
});
export type SweepSummary = z.infer<typeof SweepSummary>;

/** Request of `sweeps/summary`: which metric, which two axes, and fixed values for other axes. */
export const SweepSummaryRequest = strictObject({
  sweepId: z.string().min(1).max(100),
  metric: SweepMetric.default('valAcc'),
  rowAxis: SweepAxisName.optional(),
  colAxis: SweepAxisName.optional(),
  /** Keep only runs with these coordinates on other axes (e.g. `{ "optimizer": 0 }`). */
  fixed: z.partialRecord(SweepAxisName, z.number().int().min(0)).optional(),
  /** Overrides the sweep's own target accuracy. */
  targetAccuracy: z.number().gt(0).max(1).optional(),
});
export type SweepSummaryRequest = z.infer<typeof SweepSummaryRequest>;

/** Sweep-level events, pushed next to run events (the CLI prints them with `--json`). */
export const SweepEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sweepStarted'), sweepId: z.string(), plan: SweepPlan, resumed: z.boolean() }),
  z.object({ type: z.literal('sweepProgress'), sweepId: z.string(), progress: SweepProgress }),
  z.object({ type: z.literal('sweepFinished'), sweepId: z.string(), status: SweepStatus, summary: SweepSummary }),
]);
export type SweepEvent = z.infer<typeof SweepEvent>;
