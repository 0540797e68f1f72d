import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrationKeyText, EngineProvenance, ExperimentSpec, SplitCalibration, TERMINAL_EVENT_TYPES, type RunEvent } from '../../../contract/index.js';
import { createHostServices } from '../../../main/services/create-host.js';
import type { HostServices } from '../../../main/services/host-services.js';
import { saveSplitCalibration, SPLIT_CALIBRATION_FILE } from '../../../main/services/split-calibration-store.js';
import { forkWorkerLauncher } from '../../../main/services/worker-launcher.js';

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
  train: { epochs: 2, batchSize: 32, validationSplit: 0, statsEvery: 0, optimizer: { name: 'sgd', learningRate: 0.1 }, seed: 1 },
});
const FLOPS = 6 * 32 * (26 * 26 * 36 + 13 * 13 * 4 * 10);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-autocal-host-'));
const open: HostServices[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function host(): Promise<HostServices> {
  const services = await createHostServices({
    dataDir,
    shell: 'browser',
    workers: 1,
    autoCalibrate: true,
    launcher: forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' }),
  });
  open.push(services);
  return services;
}

async function train(
  services: HostServices,
  start: () => Promise<{ id: string }>,
): Promise<{ id: string; split: EngineProvenance['split']; loss: number | null }> {
  const done: RunEvent[] = [];
  const off = services.onEvent((e) => TERMINAL_EVENT_TYPES.has(e.type) && done.push(e));
  const { id } = await start();
  for (let i = 0; i < 1200 && !done.some((e) => e.runId === id); i++) await new Promise((r) => setTimeout(r, 100));
  off();
  const run = await services.handlers['runs/get']({ runId: id });
  expect(run.status).toBe('completed');
  return { id, split: EngineProvenance.parse(run.provenance).split, loss: run.metrics.trainLoss };
}

describe('a host on a data folder with no split calibration', () => {
  it('measures one in the background, records it on the runs it decides, and a reproduction keeps the recorded layout after it changes', async () => {
    const first = await host();
    const file = path.join(dataDir, SPLIT_CALIBRATION_FILE);
    for (let i = 0; i < 1800 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
    const stored = SplitCalibration.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(stored.points.length).toBeGreaterThan(0);
    // Give the host a moment to take the file it just wrote, then train: the run names that calibration.
    await new Promise((r) => setTimeout(r, 200));
    const original = await train(first, () => first.handlers['runs/start']({ experiment: spec }));
    expect(original.split.calibration).toEqual({ key: calibrationKeyText(stored.key), minSplitFlops: stored.minSplitFlops, measuredAt: stored.measuredAt });
    // The layout is the one the rule gives from the recorded threshold (≈ 4.6 multiply-adds per parameter ≥ 2).
    expect(original.split.parts).toBe(stored.minSplitFlops !== null && FLOPS >= stored.minSplitFlops ? 2 : 1);
    await first.close();

    // The machine's calibration changes to the opposite decision; a new host reads it at start.
    saveSplitCalibration(dataDir, { ...stored, minSplitFlops: original.split.parts === 2 ? null : 1, measuredAt: '2030-01-01T00:00:00.000Z' });
    const second = await host();
    const fresh = await train(second, () => second.handlers['runs/start']({ experiment: spec }));
    expect(fresh.split.parts).toBe(original.split.parts === 2 ? 1 : 2);
    expect(fresh.split.calibration?.measuredAt).toBe('2030-01-01T00:00:00.000Z');
    // A reproduction of the original does not decide again: same layout, same bits.
    const rerun = await train(second, () => second.handlers['runs/reproduce']({ runId: original.id }));
    expect(rerun.split.parts).toBe(original.split.parts);
    expect(rerun.loss).toBe(original.loss);
    expect(await second.handlers['runs/reproduction']({ runId: rerun.id })).toMatchObject({ verdict: 'identical', provenanceDiffers: [] });
  }, 300_000);
});
