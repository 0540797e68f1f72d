import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentSpec, TERMINAL_EVENT_TYPES, type RunEvent } from '../../../contract/index.js';
import { createHostServices } from '../../../main/services/create-host.js';
import type { HostServices } from '../../../main/services/host-services.js';
import { forkWorkerLauncher, type WorkerHandle } from '../../../main/services/worker-launcher.js';
import { openDatabase, RunStore } from '../../../main/store/index.js';

/** A real host over real worker processes and a real SQLite file. */
async function host(workers = 1) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-host-'));
  const handles: WorkerHandle[] = [];
  const fork = forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' });
  const services = await createHostServices({
    dataDir,
    shell: 'cli',
    workers,
    launcher: () => {
      const h = fork();
      handles.push(h);
      return h;
    },
  });
  const events: RunEvent[] = [];
  services.onEvent((e) => events.push(e));
  const until = (runId: string, predicate: (e: RunEvent) => boolean) =>
    new Promise<RunEvent>((resolve) => {
      const hit = events.find((e) => e.runId === runId && predicate(e));
      if (hit) return resolve(hit);
      const off = services.onEvent((e) => {
        if (e.runId === runId && predicate(e)) {
          off();
          resolve(e);
        }
      });
    });
  return { dataDir, services, handles, events, until };
}

const experiment = (epochs: number) =>
  ExperimentSpec.parse({
    name: `spiral ${epochs}`,
    dataset: { builtin: 'spiral', samples: 300 },
    network: {
      inputShape: [2],
      layers: [
        { type: 'dense', units: 8, activation: { name: 'tanh' } },
        { type: 'dense', units: 2, activation: { name: 'softmax' } },
      ],
    },
    train: { epochs, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 } },
  });

let open: HostServices[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

describe('host services over real worker processes', () => {
  it('trains a run, stores its curve and final metrics, and records the backend', async () => {
    const h = await host();
    open.push(h.services);
    const run = await h.services.handlers['runs/start']({ experiment: experiment(5) });
    expect(run.status).toBe('queued');
    const end = await h.until(run.id, (e) => TERMINAL_EVENT_TYPES.has(e.type));
    expect(end.type).toBe('finished');
    const stored = await h.services.handlers['runs/get']({ runId: run.id });
    expect(stored).toMatchObject({ status: 'completed', backend: 'wasm', tfjsVersion: '4.22.0', epochsDone: 5 });
    const curve = await h.services.handlers['runs/metrics']({ runId: run.id });
    expect(curve.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(end.type === 'finished' && end.metrics.valAcc).toBe(curve[4]!.valAcc);
    // The per-step losses as streamed are what the store gives back (a reload shows the same curve).
    const streamed = h.events.flatMap((e) => (e.type === 'stepLoss' && e.runId === run.id ? e.points : []));
    expect(streamed.at(-1)!.step).toBe(curve[4]!.step);
    expect(await h.services.handlers['runs/stepLosses']({ runId: run.id })).toEqual(streamed);
    const stats = await h.services.handlers['runs/layerStats']({ runId: run.id });
    expect(stats[0]!.layers[0]!.weightPercentiles).toHaveLength(9);
  });

  it('fails the run of a crashed worker and keeps serving', async () => {
    const h = await host();
    open.push(h.services);
    const doomed = await h.services.handlers['runs/start']({ experiment: experiment(500) });
    await h.until(doomed.id, (e) => e.type === 'progress');
    h.handles[0]!.kill();
    const end = await h.until(doomed.id, (e) => TERMINAL_EVENT_TYPES.has(e.type));
    expect(end).toMatchObject({ type: 'failed', error: expect.stringContaining('stopped unexpectedly (signal SIGKILL)') });
    expect((await h.services.handlers['runs/get']({ runId: doomed.id })).status).toBe('failed');

    const next = await h.services.handlers['runs/start']({ experiment: experiment(2) });
    expect((await h.until(next.id, (e) => TERMINAL_EVENT_TYPES.has(e.type))).type).toBe('finished');
    expect(h.handles).toHaveLength(2);
  });

  it('cancels mid-run: the run ends cancelled with the epochs it trained kept', async () => {
    const h = await host();
    open.push(h.services);
    const run = await h.services.handlers['runs/start']({ experiment: experiment(500) });
    await h.until(run.id, (e) => e.type === 'progress' && e.point.epoch >= 2);
    await h.services.handlers['runs/cancel']({ runId: run.id });
    const end = await h.until(run.id, (e) => TERMINAL_EVENT_TYPES.has(e.type));
    expect(end.type).toBe('cancelled');
    const stored = await h.services.handlers['runs/get']({ runId: run.id });
    expect(stored.status).toBe('cancelled');
    expect(stored.epochsDone).toBeGreaterThanOrEqual(2);
    const curve = await h.services.handlers['runs/metrics']({ runId: run.id });
    expect(curve.length).toBe(stored.epochsDone);
  });

  it('marks runs left running by a crashed host as interrupted on the next start', async () => {
    const h = await host();
    const run = await h.services.handlers['runs/start']({ experiment: experiment(500) });
    await h.until(run.id, (e) => e.type === 'started');
    // Simulate a host crash: the row says running, and nothing will ever finish it.
    h.handles[0]!.kill();
    await h.until(run.id, (e) => TERMINAL_EVENT_TYPES.has(e.type));
    await h.services.close();
    const db = openDatabase(path.join(h.dataDir, 'initscope.db'));
    db.prepare("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?").run(run.id);
    db.close();
    const again = await createHostServices({ dataDir: h.dataDir, shell: 'cli', workers: 1 });
    open.push(again);
    expect((await again.handlers['runs/get']({ runId: run.id })).status).toBe('interrupted');
    const reopened = openDatabase(path.join(h.dataDir, 'initscope.db'));
    expect(new RunStore(reopened).listRuns()).toHaveLength(1);
    reopened.close();
  });

  it('requeues a single run a crash interrupted when the app starts, and trains it from scratch', async () => {
    const h = await host();
    const run = await h.services.handlers['runs/start']({ experiment: experiment(4) });
    await h.until(run.id, (e) => TERMINAL_EVENT_TYPES.has(e.type));
    await h.services.close();
    // Simulate a crash mid-run: the row says running and two epochs are stored.
    const db = openDatabase(path.join(h.dataDir, 'initscope.db'));
    db.prepare("UPDATE runs SET status = 'running', finished_at = NULL, epochs_done = 2 WHERE id = ?").run(run.id);
    db.prepare('DELETE FROM metrics WHERE run_id = ? AND epoch > 2').run(run.id);
    db.close();

    const app = await createHostServices({ dataDir: h.dataDir, shell: 'browser', workers: 1, launcher: forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' }) });
    open.push(app);
    const finished = new Promise<RunEvent>((resolve) => app.onEvent((e) => e.runId === run.id && TERMINAL_EVENT_TYPES.has(e.type) && resolve(e)));
    expect((await app.handlers['runs/get']({ runId: run.id })).status).toMatch(/queued|running/);
    expect((await finished).type).toBe('finished');
    const stored = await app.handlers['runs/get']({ runId: run.id });
    expect(stored).toMatchObject({ status: 'completed', epochsDone: 4 });
    const curve = await app.handlers['runs/metrics']({ runId: run.id });
    expect(curve.map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
  });

  it('answers unknown runs with not_found', async () => {
    const h = await host();
    open.push(h.services);
    await expect(h.services.handlers['runs/get']({ runId: 'run_nope' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
