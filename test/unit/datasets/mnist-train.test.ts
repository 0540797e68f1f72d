import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinDatasetRef, ExperimentSpec, type RunEvent } from '../../../contract/index.js';
import { generateBuiltinDataset } from '../../../engine/datasets/builtin.js';
import { trainRun } from '../../../engine/train.js';
import type { TF } from '../../../engine/tf.js';
import { getBackend } from '../engine/helpers.js';
import { idxBytes, writeFixture } from './fixtures.js';
import { importWith, makeService } from './helpers.js';

let ctx: ReturnType<typeof makeService>;
let tf: TF;
beforeAll(async () => {
  ctx = makeService();
  tf = (await getBackend()).tf;
});
afterAll(() => ctx.close());

describe('MNIST from the mnist package, imported as IDX files', () => {
  it('trains 784-256-128-10 to ≥ 90 % validation accuracy (6,000 train / 1,000 validation, 3 epochs)', async () => {
    // The package's real digits, written as MNIST ships them: uint8 IDX images + labels.
    const digits = generateBuiltinDataset(BuiltinDatasetRef.parse({ builtin: 'mnist', samples: 7000, seed: 1 }));
    const pixels = Uint8Array.from(digits.x, (v) => Math.round(v * 255));
    const images = writeFixture(ctx.inputDir, 'train-images-idx3-ubyte.gz', idxBytes(0x08, [7000, 28, 28], pixels));
    writeFixture(ctx.inputDir, 'train-labels-idx1-ubyte.gz', idxBytes(0x08, [7000], digits.y));
    const { dataset } = await importWith(ctx.service, { path: images, split: { validation: 1 / 7, seed: 1 } });
    expect(dataset.counts).toEqual({ train: 6000, validation: 1000, test: 0 });

    const experiment = ExperimentSpec.parse({
      dataset: { id: dataset.id },
      network: {
        inputShape: [784],
        layers: [
          { type: 'dense', units: 256, activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
          { type: 'dense', units: 128, activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
          { type: 'dense', units: 10, activation: { name: 'softmax' } },
        ],
      },
      train: { epochs: 3, batchSize: 64, optimizer: { name: 'adam', learningRate: 0.001 }, seed: 1 },
    });
    const events: RunEvent[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const t0 = performance.now();
    await trainRun(
      tf,
      'mnist-run',
      experiment,
      (e) => events.push(e),
      () => false,
      {
        path: path.join(ctx.dataDir, 'datasets', `${dataset.id}.isds`),
      },
    );
    const seconds = (performance.now() - t0) / 1000;
    const last = events.at(-1);
    expect(last?.type, JSON.stringify(last)).toBe('finished');
    const started = events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ trainSamples: 6000, valSamples: 1000 });
    const valAcc = last?.type === 'finished' ? last.metrics.valAcc : null;
    console.log(`MNIST 784-256-128-10: valAcc ${valAcc?.toFixed(4)} after 3 epochs in ${seconds.toFixed(1)} s (${tf.getBackend()})`);
    expect(valAcc).toBeGreaterThanOrEqual(0.9);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);
});
