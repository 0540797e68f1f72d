import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

/**
 * What the engine worker knows determines a run's numbers beyond its frozen experiment (seed, network,
 * training settings), recorded before the first step (the 'started' event). With the same experiment
 * and the same record, a rerun gives bit-identical numbers; see {@link RunProvenance}.
 */
/** What LSUV (train.lsuv) did to one dense/conv2d layer: a result of the run, recorded before it trains. */
export const LsuvLayerResult = z.object({
  layer: z.string(),
  index: z.int().min(0),
  /** The factor the kernel was multiplied by (after the orthonormal start, if any). */
  scale: z.number(),
  /** Variance of the layer's pre-activation on the LSUV batch after the last rescaling. */
  variance: z.number(),
  /** Rescalings done (0: already within tolerance). */
  iterations: z.int().min(0),
  /** Whether the variance ended within 1 ± tolerance. */
  converged: z.boolean(),
});
export type LsuvLayerResult = z.infer<typeof LsuvLayerResult>;

/** What the per-unit data-dependent init (train.dataInit) did to one dense/conv2d layer, recorded before it trains. */
export const DataInitLayerResult = z.object({
  layer: z.string(),
  index: z.int().min(0),
  /** Units (dense) or output channels (conv2d). */
  units: z.int().min(1),
  /** Smallest, median and largest factor targetStd/σ_j a unit's kernel column was multiplied by. */
  scaleMin: z.number(),
  scaleMedian: z.number(),
  scaleMax: z.number(),
  /** Mean over units of |new bias_j − old bias_j| (0 for a layer without a bias). */
  meanBiasShift: z.number(),
  /** Whether the layer has a bias (without one its mean is not removed). */
  hasBias: z.boolean(),
  /** Units left unchanged because their pre-activation was constant on the batch (σ_j = 0). */
  deadUnits: z.int().min(0),
  /** Largest |mean| of a unit's pre-activation on the batch after the init (≈0 with a bias). */
  maxAbsMeanAfter: z.number(),
  /** Smallest and largest standard deviation of a unit's pre-activation on the batch after the init (≈targetStd). */
  stdMinAfter: z.number(),
  stdMaxAfter: z.number(),
});
export type DataInitLayerResult = z.infer<typeof DataInitLayerResult>;

/** What μP (train.parametrization) set for one dense layer: a result of the run, recorded before it trains. */
export const MupLayerRecord = z.object({
  /** 'dense_2' = network.layers[2]. */
  layer: z.string(),
  index: z.int().min(0),
  /** input: fan_in is the data's; hidden: both fans are widths; output: the readout. */
  role: z.enum(['input', 'hidden', 'output']),
  fanIn: z.int().min(1),
  fanOut: z.int().min(1),
  /** Standard deviation of the kernel's N(0, std²) start (0: zero readout). */
  kernelStd: z.number().min(0),
  /** Learning-rate factor of the kernel (multiplies the step's learning rate). */
  kernelLrFactor: z.number().positive(),
  /** Learning-rate factor of the bias; null when the layer has none. */
  biasLrFactor: z.number().positive().nullable(),
});
export type MupLayerRecord = z.infer<typeof MupLayerRecord>;

/** The μP setup of a run (train.parametrization `mup`): the form of the rules and what they gave each dense layer. */
export const MupProvenance = z.object({
  name: z.literal('mup'),
  baseWidth: z.int().min(1),
  outputInit: z.enum(['gaussian', 'zero']),
  /** Which of the mup package's optimizers the factors follow: MuAdam (adam, adamw) or MuSGD (sgd, momentum). */
  form: z.enum(['adam', 'sgd']),
  /** Multiplier of the readout's product h·W (baseWidth / its fan_in). */
  outputMultiplier: z.number().positive(),
  layers: z.array(MupLayerRecord),
});
export type MupProvenance = z.infer<typeof MupProvenance>;

export const EngineProvenance = z.object({
  /** train.seed (weights, shuffling, dropout masks). */
  seed: z.number().int(),
  /** The data as trained on. */
  dataset: z.object({
    /** SHA-256 of the samples (float32 bytes) followed by the labels (int32 class indices or float32 targets). */
    hash: sha256,
    /** SHA-256 of the train then validation sample indices (int32 bytes): the split. */
    splitHash: sha256,
    trainSamples: z.number().int().min(0),
    valSamples: z.number().int().min(0),
    /** SHA-256 of the held-out test part's samples (float32 bytes) then labels (int32), where the dataset has one (its test metrics depend on it). */
    testHash: sha256.optional(),
    /** Samples of the held-out test part, where the dataset has one. */
    testSamples: z.number().int().min(0).optional(),
  }),
  /** tf.getBackend(): 'wasm', 'tensorflow' or 'cpu'. */
  backend: z.string(),
  tfjsVersion: z.string(),
  /**
   * The wasm kernel set: `patched` (InitScope's kernels in engine/kernels, `groups` naming the
   * replaced or added kernels, `gemm`/`heapSimd` their two switches) or `stock`; `none` on other backends.
   */
  kernels: z.object({
    set: z.enum(['patched', 'stock', 'none']),
    groups: z.array(z.string()),
    gemm: z.boolean(),
    heapSimd: z.boolean(),
  }),
  /**
   * The step layout, fixed before the run: `parts` 2 computes every batch of ≥ 32 samples in two parts
   * (the first ⌈n/2⌉ samples and the rest, gradients added in that order; the second part on another
   * core when the engine pool grants one, else on the same core, with identical numbers); 1 computes
   * it whole. `reason`: why (engine/parallel/split-policy.ts). `calibration`: the machine's stored split
   * calibration the rule used (its key as text, its threshold in FLOP per step, null = never split,
   * and when it was measured); absent when none was used (the built-in rule before the machine's
   * calibration was stored, reproductions, forced modes). A rerun never decides again: it takes
   * `parts` as recorded (run-service.ts recordedSplit), so a later calibration cannot change its numbers.
   */
  split: z.object({
    parts: z.union([z.literal(1), z.literal(2)]),
    reason: z.string(),
    calibration: z.object({ key: z.string(), minSplitFlops: z.number().nullable(), measuredAt: z.string().optional() }).optional(),
  }),
  /** Node.js version of the worker (JavaScript math in initializers and data generation). */
  node: z.string(),
  /** CPU architecture of the worker, e.g. 'x64'. */
  arch: z.string(),
  /** LSUV's per-layer scales, for a run with train.lsuv (absent otherwise). */
  lsuv: z.array(LsuvLayerResult).optional(),
  /** The per-unit data-dependent init's scales and shifts, for a run with train.dataInit (absent otherwise). */
  dataInit: z.array(DataInitLayerResult).optional(),
  /** μP's per-layer initial scales and learning-rate factors, for a run with train.parametrization mup (absent for standard runs). */
  parametrization: MupProvenance.optional(),
  /**
   * The machine that trained the run (its host name), recorded for runs trained by an `initscope
   * worker` through a job queue; absent for runs trained by the local engine pool.
   */
  host: z.string().optional(),
});
export type EngineProvenance = z.infer<typeof EngineProvenance>;

/**
 * A run's reproducibility record: {@link EngineProvenance} plus the InitScope version that ran it and,
 * for a reproduction, the run it reproduces. Stored with the run (runs.provenance_json), shown in the
 * Run view, the HTML report and exports; null for runs that never started or predate the record.
 */
export const RunProvenance = EngineProvenance.extend({
  /** package.json version of the InitScope that ran it. */
  initscopeVersion: z.string(),
  /** The run this one reproduces (runs/reproduce), else null. */
  reproduces: z.string().nullable(),
});
export type RunProvenance = z.infer<typeof RunProvenance>;

/** One metric value of a reproduction that differs from the original's. */
export const ReproductionDifference = z.object({
  /** The epoch (from 1) of the first differing curve point; 0 for the final metrics or a difference in the count of points. */
  epoch: z.number().int().min(0),
  /** e.g. 'trainLoss', 'valAcc', 'epochs' (how many epochs were recorded), 'status'. */
  metric: z.string(),
  original: z.number().nullable(),
  reproduction: z.number().nullable(),
});
export type ReproductionDifference = z.infer<typeof ReproductionDifference>;

/**
 * The verdict of comparing a reproduction with its original: `identical` when every stored metric
 * (each epoch's train/validation loss and accuracy, the final metrics, the epoch count) is bit-identical;
 * `differs` with the first difference (epoch order, then trainLoss, trainAcc, valLoss, valAcc); `pending`
 * while the reproduction has not ended. `provenanceDiffers` names the record fields that differ (other
 * backend, kernel set, dataset...) — the likely reason for a difference.
 */
export const ReproductionReport = z.object({
  originalRunId: z.string(),
  reproductionRunId: z.string(),
  verdict: z.enum(['identical', 'differs', 'pending']),
  /** Curve points compared. */
  pointsCompared: z.number().int().min(0),
  firstDifference: ReproductionDifference.nullable(),
  provenanceDiffers: z.array(z.string()),
});
export type ReproductionReport = z.infer<typeof ReproductionReport>;
