import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExperimentSpec, TERMINAL_EVENT_TYPES, type RunEvent } from '../../../contract/index.js';
import { createHostServices } from '../../../main/services/create-host.js';
import type { HostServices } from '../../../main/services/host-services.js';
import { forkWorkerLauncher } from '../../../main/services/worker-launcher.js';

/** The lab's contract methods through a real host, real worker processes and a real SQLite file. */
let services: HostServices;
afterAll(async () => services?.close());

const experiment = ExperimentSpec.parse({
  dataset: { builtin: 'spiral', samples: 300 },
  network: {
    inputShape: [2],
    layers: [
      { type: 'dense', units: 12, activation: { name: 'tanh' }, kernelInitializer: { name: 'orthogonal', gain: 1 } },
      { type: 'dense', units: 12, activation: { name: 'tanh' }, kernelInitializer: { name: 'orthogonal', gain: 1 } },
      { type: 'dense', units: 2, activation: { name: 'softmax' } },
    ],
  },
  train: { epochs: 4, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.05 }, seed: 5, lsuv: { batchSize: 64 } },
});

describe('lab methods', () => {
  it('lab/phase answers from a worker; lab/jacobian gives a run its init and trained stages', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-lab-'));
    services = await createHostServices({ dataDir, shell: 'cli', workers: 1, launcher: forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' }) });
    const h = services.handlers;

    const phase = await h['lab/phase']({
      activation: { name: 'relu' },
      network: experiment.network,
      weightVariance: { min: 1, max: 3, steps: 5 },
      biasVariance: { min: 0, max: 0.1, steps: 2 },
    });
    expect(phase.criticalLine[0]!.weightVariance).toBeCloseTo(2, 9);
    expect(phase.depth).toBe(3);

    const events: RunEvent[] = [];
    services.onEvent((e) => events.push(e));
    const run = await h['runs/start']({ experiment });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (events.some((e) => e.runId === run.id && TERMINAL_EVENT_TYPES.has(e.type))) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    const stored = await h['runs/get']({ runId: run.id });
    expect(stored.status).toBe('completed');
    // LSUV's scales are a stored result of the run.
    expect(stored.provenance?.lsuv?.map((r) => r.layer)).toEqual(['dense_0', 'dense_1', 'dense_2']);
    expect(stored.provenance!.lsuv!.every((r) => r.converged)).toBe(true);

    const fromRun = await h['lab/jacobian']({ runId: run.id, probes: 2 });
    expect(fromRun.stages.map((s) => s.stage)).toEqual(['init', 'trained']);
    expect(fromRun.trainedMissing).toBeUndefined();
    // The init stage is the run's own initial network (LSUV included): the same numbers as the experiment's.
    const fromExperiment = await h['lab/jacobian']({ experiment, probes: 2 });
    expect(fromExperiment.stages).toHaveLength(1);
    expect(fromRun.stages[0]).toEqual(fromExperiment.stages[0]);
    // Training moved the weights, so the spectrum moved.
    const init = fromRun.stages[0]!.layers.at(-1)!;
    const trained = fromRun.stages[1]!.layers.at(-1)!;
    expect(trained.meanSq).not.toBeCloseTo(init.meanSq, 3);

    await expect(h['lab/jacobian']({ runId: 'run_nope' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
