import { DEFAULT_STATS_EVERY, ExperimentSpec, type RunEvent } from '../contract/index.js';
import type { TF } from '../engine/tf.js';
import { trainRun } from '../engine/train.js';
import { NETWORKS, type Measurement } from './workloads.js';

/** Steps per trainRun measurement: 20 batches of 128 per epoch × 8 epochs. */
const SAMPLES = 2560;
const EPOCHS = 8;

/**
 * Trains the MLP on built-in MNIST digits with the product's own trainRun (custom loop, Adam,
 * batch 128, no validation split) with per-layer statistics every `statsEvery` steps (0 = off),
 * and times it from the 'started' to the terminal event.
 * @throws if the run does not finish
 */
export async function measureTrainRun(tf: TF, statsEvery: number): Promise<Measurement> {
  const experiment = ExperimentSpec.parse({
    dataset: { builtin: 'mnist', samples: SAMPLES, seed: 3 },
    network: NETWORKS.mlp,
    train: { epochs: EPOCHS, batchSize: 128, validationSplit: 0, statsEvery, optimizer: { name: 'adam', learningRate: 1e-3 }, seed: 1 },
  });
  let started = 0;
  let terminal: RunEvent | null = null;
  const events: RunEvent[] = [];
  await trainRun(
    tf,
    `bench-${statsEvery}`,
    experiment,
    (e) => {
      if (e.type === 'started') started = performance.now();
      if (e.type === 'finished' || e.type === 'failed' || e.type === 'diverged' || e.type === 'cancelled') terminal = e;
      events.push(e);
    },
    () => false,
  );
  const end = performance.now();
  const t = terminal as RunEvent | null;
  if (!t || t.type !== 'finished') throw new Error(`trainRun did not finish: ${JSON.stringify(t)}`);
  const statsEvents = events.filter((e) => e.type === 'layerStats').length;
  return { samplesPerSec: (SAMPLES * EPOCHS) / ((end - started) / 1000), steps: statsEvents };
}

export { DEFAULT_STATS_EVERY };
