import { z } from 'zod';
import { strictObject } from './strict.js';

/**
 * Optimizer and its hyper-parameters; `learningRate` is the step size per batch. Defaults follow Keras
 * (and tfjs): Adam/AdamW/RMSprop ε = 1e-7 where PyTorch uses 1e-8, RMSprop `decay` (ρ, PyTorch's
 * `alpha`) = 0.9 where PyTorch uses 0.99, Adagrad's accumulator starts at 0.1 (PyTorch: 0, ε 1e-10).
 * Write the PyTorch values to match a PyTorch run; `withOptimizerDefaults(spec, 'pytorch')`
 * (contract/optimizer-defaults.ts) fills them in, and the Builder has a button for it.
 */
export const OptimizerSpec = z.discriminatedUnion('name', [
  strictObject({ name: z.literal('sgd'), learningRate: z.number().positive().max(100).default(0.1) }),
  strictObject({
    name: z.literal('momentum'),
    learningRate: z.number().positive().max(100).default(0.05),
    momentum: z.number().min(0).lt(1).default(0.9),
    nesterov: z.boolean().default(false),
  }),
  strictObject({
    name: z.literal('adagrad'),
    learningRate: z.number().positive().max(100).default(0.05),
    /** Starting value of the squared-gradient accumulator (Keras and tfjs use 0.1). */
    initialAccumulator: z.number().min(0).default(0.1),
    epsilon: z.number().positive().default(1e-7),
  }),
  strictObject({
    name: z.literal('rmsprop'),
    learningRate: z.number().positive().max(100).default(0.001),
    decay: z.number().min(0).lt(1).default(0.9),
    epsilon: z.number().positive().default(1e-7),
  }),
  strictObject({
    name: z.literal('adam'),
    learningRate: z.number().positive().max(100).default(0.001),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
  }),
  /** Adam with decoupled weight decay (Loshchilov & Hutter 2019): w ← w − lr·(m̂/(√v̂ + ε) + weightDecay·w). */
  strictObject({
    name: z.literal('adamw'),
    learningRate: z.number().positive().max(100).default(0.001),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
    weightDecay: z.number().min(0).max(10).default(0.01),
  }),
]);
export type OptimizerSpec = z.infer<typeof OptimizerSpec>;

/**
 * Loss minimised by the run. Labels are class indices; `categoricalCrossentropy` one-hot encodes them
 * (−Σ t·log p), `sparseCategoricalCrossentropy` picks −log p[label] directly (same value).
 */
export const LossName = z.enum(['sparseCategoricalCrossentropy', 'categoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError']);
export type LossName = z.infer<typeof LossName>;

/**
 * Learning rate over the run (lr₀ = optimizer.learningRate; epochs and steps count from 1):
 * - constant: lr₀
 * - step: lr₀ · gamma^⌊(epoch − 1)/everyEpochs⌋
 * - cosine (Loshchilov & Hutter 2017, no restarts): minLearningRate + ½(lr₀ − minLearningRate)(1 + cos(π·(step − 1)/totalSteps))
 */
export const LrSchedule = z.discriminatedUnion('name', [
  strictObject({ name: z.literal('constant') }),
  strictObject({
    name: z.literal('step'),
    everyEpochs: z.number().int().min(1).max(100000).default(10),
    gamma: z.number().positive().max(1).default(0.1),
  }),
  strictObject({ name: z.literal('cosine'), minLearningRate: z.number().min(0).default(0) }),
]);
export type LrSchedule = z.infer<typeof LrSchedule>;

/** Metrics an early stop can watch; losses must fall to the target, accuracies rise to it. */
export const EarlyStopMetric = z.enum(['valLoss', 'valAcc', 'trainLoss', 'trainAcc']);
export type EarlyStopMetric = z.infer<typeof EarlyStopMetric>;

/** Stop at the end of the first epoch whose `metric` reaches `target` (≤ for losses, ≥ for accuracies). */
export const EarlyStop = strictObject({ metric: EarlyStopMetric, target: z.number() });
export type EarlyStop = z.infer<typeof EarlyStop>;

/**
 * A fixed statistics cadence (every this many steps) for measurements that need one, e.g. the benchmark
 * of the diagnostics' cost. The default of {@link TrainConfig.statsEvery} is `'auto'`.
 */
export const DEFAULT_STATS_EVERY = 50;

/** Statistics records an `'auto'` cadence aims for across a whole run, whatever its length. */
export const AUTO_STATS_RECORDS = 40;

/** {@link TrainConfig.statsEvery}: a number of steps (0 = never) or `'auto'`. */
export const StatsEvery = z.union([z.literal('auto'), z.number().int().min(0).max(1000000)]);
export type StatsEvery = z.infer<typeof StatsEvery>;

/**
 * The cadence in steps for a run of `totalSteps` optimizer steps: a number is itself, `'auto'` is
 * max(1, ⌊totalSteps / {@link AUTO_STATS_RECORDS}⌋), which with the record at step 1 gives at least
 * 40 records (every step of a run shorter than 40 steps).
 */
export function resolveStatsEvery(statsEvery: StatsEvery, totalSteps: number): number {
  if (statsEvery !== 'auto') return statsEvery;
  return Math.max(1, Math.floor(totalSteps / AUTO_STATS_RECORDS));
}

/**
 * LSUV, layer-sequential unit-variance initialization (Mishkin & Matas 2015), run before training: every
 * dense/conv2d kernel is made orthonormal (unless `orthonormal` is false, keeping the layer's own
 * initializer), then, layer by layer from the input, scaled by 1/√Var until the variance of the layer's
 * pre-activation on a batch of the training split is within 1 ± `tolerance` (at most `maxIterations`
 * rescalings per layer). The scales found are recorded in the run's provenance (`lsuv`).
 */
export const LsuvConfig = strictObject({
  tolerance: z.number().positive().max(0.5).default(0.05),
  maxIterations: z.number().int().min(1).max(50).default(10),
  orthonormal: z.boolean().default(true),
  /** Samples of the batch the variances are measured on (the first ones of the training split). */
  batchSize: z.number().int().min(2).max(4096).default(256),
});
export type LsuvConfig = z.infer<typeof LsuvConfig>;

/**
 * Data-dependent per-unit initialization (Salimans & Kingma 2016, weight normalization §3; Krähenbühl et
 * al. 2016), run before training: layer by layer from the input, for every dense/conv2d layer the mean
 * μ_j and standard deviation σ_j of each unit's (conv2d: each output channel's, over samples and
 * positions) pre-activation z_j are measured on a batch of the training split (inference mode), and
 * the layer is changed so that its new pre-activation is (z_j − μ_j)/σ_j·`targetStd`: kernel[…, j] ×=
 * `targetStd`/σ_j, bias_j ← (bias_j − μ_j)·`targetStd`/σ_j. Each unit then starts with mean 0 and standard
 * deviation `targetStd` on that batch. A layer without a bias (useBias false) is only scaled: its mean is
 * not removed. A unit with σ_j = 0 (dead on the batch) is left as it is. Earlier layers are final when a
 * layer is measured. The scales found are recorded in the run's provenance (`dataInit`).
 */
export const DataInitConfig = strictObject({
  /** Standard deviation every unit's pre-activation starts with on the batch. */
  targetStd: z.number().positive().max(100).default(1),
  /** Samples of the batch the statistics are measured on (the first ones of the training split). */
  batchSize: z.number().int().min(2).max(4096).default(256),
});
export type DataInitConfig = z.infer<typeof DataInitConfig>;

/** Largest μP base width accepted (the width at which μP and the standard parametrization coincide). */
export const MAX_MUP_BASE_WIDTH = 65536;

/**
 * How the run's weights and learning rates scale with the width of its hidden dense layers
 * (Yang & Hu 2021, "Tensor Programs IV/V"; the microsoft/mup package):
 * - `standard` (SP, the default): every layer keeps its own initializers, one learning rate for every
 *   parameter, no output multiplier.
 * - `mup` (μP): for a network of dense layers (flatten, reshape, dropout and activation layers may sit
 *   between them), with width multipliers taken per parameter from its width-sized dimensions
 *   (fan_in/baseWidth, fan_out/baseWidth, as mup's infshapes): input and hidden kernels N(0, 1/fan_in);
 *   the output (readout) kernel N(0, 1/fan_in) or zero (`outputInit`); the readout's product h·W is
 *   multiplied by baseWidth/fan_in (its bias is not, as mup's MuReadout); biases keep their
 *   initializers; per-parameter learning-rate factors of MuAdam (adam, adamw) or MuSGD (sgd,
 *   momentum). See engine/mup-plan.ts for the factors. At width = baseWidth μP's learning rates equal
 *   SP's, so a learning rate tuned at the base width transfers to wider networks.
 */
export const ParametrizationSpec = z.discriminatedUnion('name', [
  strictObject({ name: z.literal('standard') }),
  strictObject({
    name: z.literal('mup'),
    /** The width at which μP's learning rates and output scale equal SP's (mup's base shapes). */
    baseWidth: z.number().int().min(1).max(MAX_MUP_BASE_WIDTH).default(64),
    /** The readout kernel's initialization: N(0, 1/fan_in) (mup's default) or zero (mup's readout_zero_init). */
    outputInit: z.enum(['gaussian', 'zero']).default('gaussian'),
  }),
]);
export type ParametrizationSpec = z.infer<typeof ParametrizationSpec>;

/** How a run trains: epochs over the training split in batches of `batchSize` samples. */
export const TrainConfig = strictObject({
  epochs: z.number().int().min(1).max(100000).default(20),
  batchSize: z.number().int().min(1).max(65536).default(32),
  optimizer: OptimizerSpec.default({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  loss: LossName.default('sparseCategoricalCrossentropy'),
  /** Fraction of samples held out for validation, drawn by the seed. */
  validationSplit: z.number().min(0).max(0.9).default(0.2),
  /** Seeds initial weights, the split, shuffling and dropout. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  /**
   * Record per-layer statistics (contract/diagnostics.ts) at step 1 and every this many steps
   * (0 = never), or `'auto'` (the default): about {@link AUTO_STATS_RECORDS} records across the run, see
   * {@link resolveStatsEvery}. Each record costs one probe-batch forward pass and one device read.
   * Specs stored with a number keep it.
   */
  statsEvery: StatsEvery.default('auto'),
  /** Samples in the fixed probe batch the statistics are measured on (the first ones of the training split). */
  probeSize: z.number().int().min(1).max(4096).default(128),
  lrSchedule: LrSchedule.default({ name: 'constant' }),
  /** Optional early stop on a target metric (null: always run `epochs` epochs). */
  earlyStop: EarlyStop.nullable().default(null),
  /** LSUV data-dependent initialization before training (null: the initializers' weights as drawn). */
  lsuv: LsuvConfig.nullable().default(null),
  /** Data-dependent per-unit bias/scale initialization before training (see {@link DataInitConfig}; null: off). */
  dataInit: DataInitConfig.nullable().default(null),
  /** Standard parametrization or μP (see {@link ParametrizationSpec}); specs stored without it are standard. */
  parametrization: ParametrizationSpec.default({ name: 'standard' }),
});
export type TrainConfig = z.infer<typeof TrainConfig>;
