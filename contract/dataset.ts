import { z } from 'zod';

/** Seeded 2-D toy datasets that ship with the app. */
export const BUILTIN_DATASET_NAMES = ['spiral', 'circle', 'xor', 'gaussian'] as const;
export const BuiltinDatasetName = z.enum(BUILTIN_DATASET_NAMES);
export type BuiltinDatasetName = z.infer<typeof BuiltinDatasetName>;

/** A dataset reference inside an experiment: a built-in generator with its parameters. */
export const DatasetRef = z.object({
  builtin: BuiltinDatasetName,
  /** Number of samples to generate. */
  samples: z.number().int().min(10).max(1_000_000).default(1000),
  /** Noise amplitude in input units (standard deviation of added Gaussian noise). */
  noise: z.number().min(0).max(10).default(0.1),
  /** Generator seed; independent from the training seed. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(7),
});
export type DatasetRef = z.infer<typeof DatasetRef>;

/** What the UI needs to know about a dataset. `inputShape` excludes the batch dimension. */
export const DatasetInfo = z.object({
  name: z.string(),
  builtin: z.boolean(),
  inputShape: z.array(z.number().int().positive()),
  numClasses: z.number().int().min(0),
  description: z.string(),
  defaultSamples: z.number().int().positive(),
});
export type DatasetInfo = z.infer<typeof DatasetInfo>;
