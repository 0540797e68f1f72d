import { createHash } from 'node:crypto';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentSpec, type RunEvent } from '../../../contract/index.js';
import { generateMnist, MNIST_TEST_MAX } from '../../../engine/datasets/mnist.js';
import { loadDataset } from '../../../engine/datasets/index.js';
import type { Model } from '../../../engine/model.js';
import { trainRun } from '../../../engine/train.js';
import type { TF } from '../../../engine/tf.js';
import { collector, getBackend } from '../engine/helpers.js';
import { writeMnistFolder } from './fixtures.js';
import { importWith, makeService } from './helpers.js';

let ctx: ReturnType<typeof makeService>;
let tf: TF;
beforeAll(async () => {
  ctx = makeService();
  tf = (await getBackend()).tf;
});
afterAll(() => ctx.close());

const mlp = (dataset: unknown, train: Record<string, unknown> = {}) =>
  ExperimentSpec.parse({
    dataset,
    network: {
      inputShape: [784],
      layers: [
        { type: 'dense', units: 32, activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
        { type: 'dense', units: 10, activation: { name: 'softmax' } },
      ],
    },
    train: { epochs: 2, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.003 }, seed: 3, statsEvery: 0, ...train },
  });

/** Runs an experiment; `inspect` sees the trained model (before it is freed). */
async function run(experiment: ExperimentSpec, file?: string, inspect?: (model: Model) => void): Promise<RunEvent[]> {
  const { events, emit } = collector();
  await trainRun(tf, 'run', experiment, emit, () => false, file ? { path: file } : undefined, inspect);
  return events;
}

/** Accuracy and mean cross-entropy −log p(y) of a model on (x, y), computed here from its softmax outputs. */
function independentTestMetrics(model: Model, x: Float32Array, y: Int32Array): { loss: number; acc: number } {
  const probs = tf.tidy(() => model.forward(tf.tensor2d(x, [y.length, 784]), { training: false }).output.dataSync() as Float32Array);
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const row = probs.subarray(i * 10, (i + 1) * 10);
    const best = row.indexOf(Math.max(...row));
    if (best === y[i]) correct++;
    loss -= Math.log(Math.max(row[y[i] as number] as number, 1e-7));
  }
  return { loss: loss / y.length, acc: correct / y.length };
}

describe('test metrics: evaluated once when a run finishes, on the held-out test part', () => {
  it('an MNIST-format folder: testAcc/testLoss equal an independent count on the t10k digits; train/val numbers are untouched', async () => {
    const folder = path.join(ctx.inputDir, 'mnist-small');
    const digits = writeMnistFolder(folder, 800, 300, 5);
    const { dataset } = await importWith(ctx.service, { path: folder, split: { validation: 0.25, seed: 1 } });
    const file = path.join(ctx.dataDir, 'datasets', `${dataset.id}.isds`);
    let independent: { loss: number; acc: number } | null = null;
    const tensorsBefore = tf.memory().numTensors;
    const events = await run(mlp({ id: dataset.id }), file, (model) => {
      independent = independentTestMetrics(
        model,
        Float32Array.from(digits.test.pixels, (v) => v / 255),
        digits.test.labels,
      );
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(events[0]).toMatchObject({ type: 'started', trainSamples: 600, valSamples: 200, testSamples: 300 });
    const last = events.at(-1);
    if (last?.type !== 'finished') throw new Error(JSON.stringify(last));
    const { testAcc, testLoss } = last.metrics;
    expect(independent).not.toBeNull();
    const check = independent as unknown as { loss: number; acc: number };
    expect(testAcc).toBeCloseTo(check.acc, 10); // counts of the same argmax: exact
    expect(testLoss).toBeCloseTo(check.loss, 4);
    expect(testAcc).toBeGreaterThan(0.75); // real digits, 600 training samples, 2 epochs
    // Progress events (what training decisions see) carry no test metrics.
    for (const e of events) if (e.type === 'progress') expect(Object.keys(e.point)).not.toContain('testAcc');

    // The same train pair without its t10k pair: bit-identical train and validation numbers, no test metrics.
    rmSync(path.join(folder, 't10k-images.idx3-ubyte'));
    rmSync(path.join(folder, 't10k-labels-idx1-ubyte.gz'));
    const alone = await importWith(ctx.service, { path: folder, split: { validation: 0.25, seed: 1 } });
    expect(alone.dataset.id).not.toBe(dataset.id);
    const aloneEvents = await run(mlp({ id: alone.dataset.id }), path.join(ctx.dataDir, 'datasets', `${alone.dataset.id}.isds`));
    const aloneLast = aloneEvents.at(-1);
    if (aloneLast?.type !== 'finished') throw new Error(JSON.stringify(aloneLast));
    expect(aloneLast.metrics).toEqual({ ...last.metrics, testLoss: null, testAcc: null });
    expect(aloneEvents[0]).toMatchObject({ testSamples: 0 });
    // The reproducibility record: the test part has its own hash (of its normalised float32 samples, then
    // its int32 labels), absent where there is no test part.
    const [withTest, without] = [events[0], aloneEvents[0]];
    if (withTest?.type !== 'started' || without?.type !== 'started') throw new Error('no started event');
    const x = Float32Array.from(digits.test.pixels, (v) => v / 255);
    const y = Int32Array.from(digits.test.labels);
    const expected = createHash('sha256').update(new Uint8Array(x.buffer)).update(new Uint8Array(y.buffer)).digest('hex');
    expect(withTest.provenance?.dataset).toMatchObject({ testHash: expected, testSamples: 300 });
    expect(without.provenance?.dataset.testHash).toBeUndefined();
  }, 120_000);

  it('on early stop: the test part is evaluated after the stopping epoch; validation alone decides the stop', async () => {
    const events = await run(mlp({ builtin: 'mnist', samples: 600, seed: 2 }, { epochs: 6, earlyStop: { metric: 'valAcc', target: 0.5 } }));
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'finished', stoppedEarly: true });
    if (last?.type !== 'finished') return;
    expect(last.epochs).toBeLessThan(6);
    expect(last.metrics.valAcc).toBeGreaterThanOrEqual(0.5);
    expect(last.metrics.testAcc).toBeGreaterThan(0.5);
    expect(last.metrics.testLoss).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ trainSamples: 480, valSamples: 120, testSamples: MNIST_TEST_MAX });
  }, 60_000);

  it('built-in mnist: the test part is the next digits of the same seeded draw, so disjoint from train and validation', () => {
    const small = generateMnist({ builtin: 'mnist', samples: 500, noise: 0, seed: 9 });
    const large = generateMnist({ builtin: 'mnist', samples: 500 + MNIST_TEST_MAX, noise: 0, seed: 9 });
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(small.x).equals(bytes(large.x.subarray(0, 500 * 784)))).toBe(true); // drawing a test part leaves the samples as they were
    expect(small.test?.x.length).toBe(MNIST_TEST_MAX * 784);
    expect(bytes(small.test?.x as Float32Array).equals(bytes(large.x.subarray(500 * 784)))).toBe(true);
    expect(Array.from(small.test?.y ?? [])).toEqual(Array.from(large.y.subarray(500)));
    expect(generateMnist({ builtin: 'mnist', samples: 9000, noise: 0, seed: 9 }).test?.y.length).toBe(1000);
    expect(generateMnist({ builtin: 'mnist', samples: 10000, noise: 0, seed: 9 }).test).toBeUndefined();
    expect(loadDataset({ builtin: 'spiral', samples: 100, noise: 0.1, seed: 1 }).test).toBeUndefined();
  });

  it('a dataset without a test part finishes with testLoss and testAcc null', async () => {
    const experiment = ExperimentSpec.parse({
      dataset: { builtin: 'circle', samples: 200, noise: 0.05, seed: 1 },
      network: {
        inputShape: [2],
        layers: [
          { type: 'dense', units: 8, activation: { name: 'relu' } },
          { type: 'dense', units: 2, activation: { name: 'softmax' } },
        ],
      },
      train: { epochs: 2, statsEvery: 0 },
    });
    const last = (await run(experiment)).at(-1);
    expect(last).toMatchObject({ type: 'finished', metrics: { testLoss: null, testAcc: null } });
  });
});
