import { z } from 'zod';
import { strictObject } from './strict.js';
import { DatasetRef } from './dataset.js';
import { NetworkSpec } from './network.js';
import { TrainConfig } from './training.js';

/** A complete, self-contained description of one training run (the file `initscope train` reads). */
export const ExperimentSpec = strictObject({
  name: z.string().min(1).max(200).default('experiment'),
  dataset: DatasetRef,
  network: NetworkSpec,
  train: TrainConfig.default(TrainConfig.parse({})),
});
export type ExperimentSpec = z.infer<typeof ExperimentSpec>;
/** The experiment as written by a user, before defaults are filled in. */
export type ExperimentInput = z.input<typeof ExperimentSpec>;
