import { z } from 'zod';

/** Optimizer and its hyper-parameters; `learningRate` is the step size per batch. */
export const OptimizerSpec = z.discriminatedUnion('name', [
  z.object({ name: z.literal('sgd'), learningRate: z.number().positive().max(100).default(0.1) }),
  z.object({
    name: z.literal('momentum'),
    learningRate: z.number().positive().max(100).default(0.05),
    momentum: z.number().min(0).lt(1).default(0.9),
    nesterov: z.boolean().default(false),
  }),
  z.object({ name: z.literal('adagrad'), learningRate: z.number().positive().max(100).default(0.05) }),
  z.object({
    name: z.literal('rmsprop'),
    learningRate: z.number().positive().max(100).default(0.001),
    decay: z.number().min(0).lt(1).default(0.9),
    epsilon: z.number().positive().default(1e-7),
  }),
  z.object({
    name: z.literal('adam'),
    learningRate: z.number().positive().max(100).default(0.001),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-7),
  }),
]);
export type OptimizerSpec = z.infer<typeof OptimizerSpec>;

/** Loss minimised by the run. Cross-entropies expect class-index labels. */
export const LossName = z.enum(['sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError']);
export type LossName = z.infer<typeof LossName>;

/** How a run trains: epochs over the training split in batches of `batchSize` samples. */
export const TrainConfig = z.object({
  epochs: z.number().int().min(1).max(100000).default(20),
  batchSize: z.number().int().min(1).max(65536).default(32),
  optimizer: OptimizerSpec.default({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  loss: LossName.default('sparseCategoricalCrossentropy'),
  /** Fraction of samples held out for validation, drawn by the seed. */
  validationSplit: z.number().min(0).max(0.9).default(0.2),
  /** Seeds initial weights, the split, shuffling and dropout. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** Record per-layer statistics every this many steps (0 = never). */
  statsEvery: z.number().int().min(0).max(1000000).default(0),
});
export type TrainConfig = z.infer<typeof TrainConfig>;
