import { beforeAll, describe, expect, it } from 'vitest';
import { EngineProvenance, ExperimentSpec, type RunEvent, type SplitCalibration } from '../../../../contract/index.js';
import type { TF } from '../../../../engine/tf.js';
import { trainRun } from '../../../../engine/train.js';
import { wasmTf } from '../kernels/backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
}, 60_000);

/** A small conv net on 64 MNIST digits, batch 32: 6 · 32 · (26·26·36 + 13·13·4·10) = 5.97 MFLOP per step, ≈ 4.6 MAC per parameter. */
const spec = ExperimentSpec.parse({
  dataset: { builtin: 'mnist', samples: 64, seed: 3 },
  network: {
    inputShape: [784],
    layers: [
      { type: 'reshape', targetShape: [28, 28, 1] },
      { type: 'conv2d', filters: 4, kernelSize: 3, activation: { name: 'relu' } },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: { name: 'softmax' } },
    ],
  },
  train: { epochs: 1, batchSize: 32, validationSplit: 0, statsEvery: 0, optimizer: { name: 'sgd', learningRate: 0.1 }, seed: 1 },
});
const FLOPS = 6 * 32 * (26 * 26 * 36 + 13 * 13 * 4 * 10);

const calibrated = (minSplitFlops: number | null): SplitCalibration => ({
  version: 1,
  key: { cpuModel: 'Test CPU', cores: 2, engineVersion: 'split-1' },
  minSplitFlops,
  points: [{ flops: 1e7, wholeMs: 2, splitMs: 1 }],
  measuredAt: '2026-12-04T00:00:00.000Z',
});

/** Trains `spec` on one core with `calibration`; returns its provenance's split and its final loss. */
async function run(calibration?: SplitCalibration | null, recordedSplit?: boolean): Promise<{ split: EngineProvenance['split']; loss: number | null }> {
  const events: RunEvent[] = [];
  await trainRun(
    tf,
    'r',
    spec,
    (e) => events.push(e),
    () => false,
    undefined,
    undefined,
    undefined,
    recordedSplit,
    undefined,
    undefined,
    calibration,
  );
  const started = events.find((e) => e.type === 'started');
  const finished = events.at(-1);
  if (started?.type !== 'started' || finished?.type !== 'finished') throw new Error(`run did not finish: ${JSON.stringify(finished)}`);
  return { split: EngineProvenance.parse(started.provenance).split, loss: finished.metrics.trainLoss };
}

describe('a run with a stored split calibration', () => {
  it('decides its layout from the calibration before training, records it, and repeats it bit for bit', async () => {
    // Uncalibrated: 5.97 MFLOP < the fixed 40 MFLOP → whole.
    const plain = await run();
    expect(plain.split).toEqual({ parts: 1, reason: expect.stringContaining('< 40.0') });
    const below = await run(calibrated(FLOPS - 1));
    expect(below.split).toMatchObject({ parts: 2, calibration: { key: 'Test CPU × 2, engine split-1', minSplitFlops: FLOPS - 1 } });
    const above = await run(calibrated(FLOPS + 1));
    expect(above.split).toMatchObject({ parts: 1, calibration: { minSplitFlops: FLOPS + 1 } });
    // Whole-batch runs agree bit for bit whatever chose the layout; the same calibration gives the same bits again.
    expect(above.loss).toBe(plain.loss);
    expect((await run(calibrated(FLOPS - 1))).loss).toBe(below.loss);
    // Two halves change only the float32 summation order.
    expect(below.loss).toBeCloseTo(plain.loss as number, 4);
  }, 120_000);

  it('reproduces from its provenance: the recorded calibration gives the recorded layout, and a rerun keeps it under any calibration', async () => {
    const original = await run(calibrated(FLOPS - 1));
    const recorded = original.split.calibration;
    // The provenance names the calibration that decided (key, threshold, time measured) ...
    expect(recorded).toEqual({ key: 'Test CPU × 2, engine split-1', minSplitFlops: FLOPS - 1, measuredAt: '2026-12-04T00:00:00.000Z' });
    // ... enough to decide again: a calibration with the recorded threshold gives the same layout and bits.
    const again = await run({ ...calibrated(null), minSplitFlops: recorded?.minSplitFlops ?? null, measuredAt: recorded?.measuredAt ?? '' });
    expect(again.split.parts).toBe(original.split.parts);
    expect(again.loss).toBe(original.loss);
    // A rerun (the host passes the recorded parts) keeps the layout even though this machine's calibration
    // now says never split, or there is none: same layout, same bits.
    for (const now of [calibrated(null), calibrated(FLOPS * 10), null]) {
      const rerun = await run(now, original.split.parts === 2);
      expect(rerun.split).toEqual({ parts: 2, reason: 'as recorded by the run reproduced' });
      expect(rerun.loss).toBe(original.loss);
    }
  }, 120_000);
});
