import { beforeAll, describe, expect, it } from 'vitest';
import { ExperimentSpec, type BuiltinDatasetRef, type RunEvent } from '../../../contract/index.js';
import { splitIndices } from '../../../engine/batches.js';
import { generateBuiltinDataset } from '../../../engine/datasets/builtin.js';
import { datasetSplit } from '../../../engine/datasets/split.js';
import type { Model } from '../../../engine/model.js';
import { deriveSeed } from '../../../engine/random.js';
import type { TF } from '../../../engine/tf.js';
import { trainRun } from '../../../engine/train.js';
import { collector, dense, experiment, getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

/** Every variable's values, in model order, keyed by layer and role (e.g. 'dense_0/kernel'). */
function weightsOf(model: Model): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const layer of model.layers) for (const p of layer.params) out.set(`${layer.name}/${p.role}`, Array.from(p.variable.dataSync()));
  return out;
}

/** Starts the run and cancels it before its first batch: the model handed over is the untrained one. */
async function initialWeights(exp: ExperimentSpec): Promise<Map<string, number[]>> {
  let weights: Map<string, number[]> | null = null;
  const { events, emit } = collector();
  await trainRun(
    tf,
    'init',
    exp,
    emit,
    () => true,
    undefined,
    (model) => {
      weights = weightsOf(model);
    },
  );
  expect(events.map((e) => e.type)).toEqual(['started', 'cancelled']);
  return weights!;
}

/** Trains briefly and returns the final metrics and the per-sample losses of the trained model (sparse CE, nats). */
async function trainAndScore(exp: ExperimentSpec) {
  const data = generateBuiltinDataset(exp.dataset as BuiltinDatasetRef);
  const n = data.y.length;
  let perSample: number[] = [];
  const { events, emit } = collector();
  await trainRun(
    tf,
    'fair',
    exp,
    emit,
    () => false,
    undefined,
    (model) => {
      const probs = tf.tidy(() => model.forward(tf.tensor(data.x, [n, 2]), { training: false }).output.dataSync() as Float32Array);
      perSample = Array.from(data.y, (label, i) => -Math.log(probs[i * 2 + label]!));
    },
  );
  const terminal = events[events.length - 1] as Extract<RunEvent, { type: 'finished' }>;
  expect(terminal.type).toBe('finished');
  const started = events[0] as Extract<RunEvent, { type: 'started' }>;
  return { valLoss: terminal.metrics.valLoss!, perSample, started };
}

const meanOver = (values: number[], indices: Int32Array) => Array.from(indices, (i) => values[i]!).reduce((a, b) => a + b, 0) / indices.length;

describe('fair sweeps: what a run shares with the other runs of its sweep', () => {
  it("splits a built-in dataset by the dataset's seed: runs differing only in train.seed validate on the same samples", async () => {
    const exp = (seed: number) => experiment({ train: { epochs: 3, seed, statsEvery: 0 } });
    const a = exp(1);
    const b = exp(2);
    // The split a sweep's runs share, computed independently from the dataset's own seed (7).
    const shared = splitIndices(400, 0.2, deriveSeed(7, 'split'));
    const data = generateBuiltinDataset(a.dataset as BuiltinDatasetRef);
    expect(datasetSplit(a.dataset, data, 0.2)).toEqual(shared);
    expect(datasetSplit(b.dataset, data, 0.2)).toEqual(shared);
    // A different dataset seed is a different split (the comparison above can fail).
    expect(datasetSplit({ ...(a.dataset as BuiltinDatasetRef), seed: 8 }, data, 0.2).val).not.toEqual(shared.val);

    // End to end: each run's reported valLoss is its trained model's mean loss over exactly those
    // samples, and not over the split its own train.seed would have drawn.
    for (const run of [a, b]) {
      const { valLoss, perSample, started } = await trainAndScore(run);
      expect(started).toMatchObject({ trainSamples: 320, valSamples: 80 });
      expect(valLoss).toBeCloseTo(meanOver(perSample, shared.val), 4);
      const ownSeedSplit = splitIndices(400, 0.2, deriveSeed(run.train.seed, 'split'));
      expect(Math.abs(valLoss - meanOver(perSample, ownSeedSplit.val))).toBeGreaterThan(1e-3);
    }
  });

  it('starts from identical weights when only the activation, optimizer, learning rate or batch size differ', async () => {
    const layers = (act: 'tanh' | 'relu', width = 16) => [
      dense(16, act, { kernelInitializer: { name: 'glorotNormal' }, biasInitializer: { name: 'normal', mean: 0, std: 0.1 } }),
      dense(width, act),
      dense(2, 'softmax'),
    ];
    const exp = (act: 'tanh' | 'relu', train: Record<string, unknown> = {}, width = 16) =>
      experiment({ network: { inputShape: [2], layers: layers(act, width) }, train: { seed: 5, ...train } });
    const base = await initialWeights(exp('tanh'));
    expect([...base.keys()]).toEqual(['dense_0/kernel', 'dense_0/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    expect(await initialWeights(exp('relu'))).toEqual(base);
    expect(await initialWeights(exp('tanh', { optimizer: { name: 'sgd', learningRate: 0.5 }, batchSize: 8 }))).toEqual(base);

    // A wider second layer changes the shapes of layers 1 and 2; layer 0, whose shape is unchanged, keeps its weights.
    const wider = await initialWeights(exp('relu', {}, 24));
    expect(wider.get('dense_0/kernel')).toEqual(base.get('dense_0/kernel'));
    expect(wider.get('dense_0/bias')).toEqual(base.get('dense_0/bias'));
    expect(wider.get('dense_1/kernel')!.length).toBe(16 * 24);

    // Non-vacuous: another train.seed gives other weights.
    const reseeded = await initialWeights(exp('tanh', { seed: 6 }));
    expect(reseeded.get('dense_0/kernel')).not.toEqual(base.get('dense_0/kernel'));
  });
});
