import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SweepDetail, SweepSummary, type SweepEvent } from '../../../contract/index.js';
import { createHostServices } from '../../../main/services/create-host.js';
import type { HostServices } from '../../../main/services/host-services.js';
import { forkWorkerLauncher, type WorkerHandle } from '../../../main/services/worker-launcher.js';
import { openDatabase } from '../../../main/store/index.js';
import { tinySweep } from './helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'initscope-sweep-host-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A real host (real worker processes, real SQLite file) that records its workers and sweep events. */
async function host(
  name: string,
  workers: number,
  shell: 'cli' | 'browser' = 'cli',
): Promise<{ services: HostServices; handles: WorkerHandle[]; events: SweepEvent[]; dbPath: string }> {
  const fork = forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' });
  const handles: WorkerHandle[] = [];
  const dataDir = path.join(root, name);
  const services = await createHostServices({
    dataDir,
    shell,
    workers,
    launcher: () => {
      const h = fork();
      handles.push(h);
      return h;
    },
  });
  const events: SweepEvent[] = [];
  services.onSweepEvent!((e) => events.push(e));
  return { services, handles, events, dbPath: path.join(dataDir, 'initscope.db') };
}

function finished(services: HostServices, sweepId: string): Promise<Extract<SweepEvent, { type: 'sweepFinished' }>> {
  return new Promise((resolve) => {
    const off = services.onSweepEvent!((e) => {
      if (e.type === 'sweepFinished' && e.sweepId === sweepId) {
        off();
        resolve(e);
      }
    });
  });
}

/** Metric rows per run, counted straight from the database file. */
function metricRowCounts(dbPath: string): Map<string, number> {
  const db = openDatabase(dbPath);
  const rows = db.prepare<[], { run_id: string; n: number }>('SELECT run_id, count(*) AS n FROM metrics GROUP BY run_id').all();
  db.close();
  return new Map(rows.map((r) => [r.run_id, r.n]));
}

describe('sweeps over real worker processes', () => {
  it('runs a 2×2×2 sweep on two workers to 8 stored runs with full curves and a summary', async () => {
    const h = await host('grid', 2);
    try {
      const spec = tinySweep();
      expect((await h.services.handlers['sweeps/plan']({ sweep: spec })).total).toBe(8);
      const info = await h.services.handlers['sweeps/start']({ sweep: spec });
      expect(info.progress).toMatchObject({ total: 8, done: 0, counts: { queued: 8 } });
      const end = await finished(h.services, info.id);
      expect(end.status).toBe('completed');
      expect(h.handles).toHaveLength(2);

      const detail = SweepDetail.parse(await h.services.handlers['sweeps/get']({ sweepId: info.id }));
      expect(detail.status).toBe('completed');
      expect(detail.runs).toHaveLength(8);
      expect(detail.runs.every((r) => r.status === 'completed' && r.epochsDone === 3)).toBe(true);
      expect(detail.progress).toMatchObject({ done: 8, failures: 0 });
      const rows = metricRowCounts(h.dbPath);
      expect(detail.runs.map((r) => rows.get(r.runId))).toEqual(Array(8).fill(3));
      const progressEvents = h.events.filter((e) => e.type === 'sweepProgress');
      expect(progressEvents).toHaveLength(8);

      const summary = SweepSummary.parse(end.summary);
      expect(summary.ranked).toHaveLength(4);
      expect(summary.ranked.every((c) => c.n === 2 && c.runIds.length === 2)).toBe(true);
      const best = summary.ranked[0]!;
      const bestRuns = detail.runs.filter((r) => best.runIds.includes(r.runId)).map((r) => r.metrics.valAcc!);
      expect(best.mean).toBeCloseTo((bestRuns[0]! + bestRuns[1]!) / 2, 12);
      expect(summary.heatmap).toMatchObject({
        rowAxis: 'initializer',
        colAxis: 'activation',
        n: [
          [2, 2],
          [2, 2],
        ],
      });
      expect(await h.services.handlers['sweeps/list']({})).toHaveLength(1);
    } finally {
      await h.services.close();
    }
  });

  it('replaces a worker that dies mid-sweep: its run fails with the reason, the sweep completes', async () => {
    const h = await host('crash', 1);
    try {
      const spec = tinySweep({ epochs: 6, axes: { activation: [{ name: 'tanh' }, { name: 'relu' }], seeds: 1 } });
      const started = new Promise<void>((resolve) => {
        const off = h.services.onEvent((e) => {
          if (e.type === 'progress') {
            off();
            resolve();
          }
        });
      });
      const info = await h.services.handlers['sweeps/start']({ sweep: spec });
      const end = finished(h.services, info.id);
      await started;
      h.handles[0]!.kill(); // SIGKILL, as the OOM killer would
      const result = await end;
      expect(result.status).toBe('completed');
      expect(h.handles).toHaveLength(2); // replaced
      const detail = await h.services.handlers['sweeps/get']({ sweepId: info.id });
      expect(detail.runs.map((r) => r.status)).toEqual(['failed', 'completed']);
      expect(detail.runs[0]!.error).toContain('stopped unexpectedly (signal SIGKILL)');
      expect(result.summary.progress).toMatchObject({ failures: 1, done: 2 });
    } finally {
      await h.services.close();
    }
  });

  it('cancels a sweep: queued runs are dropped, the running one stops', async () => {
    const h = await host('cancel', 1);
    try {
      const spec = tinySweep({ epochs: 400, axes: { activation: [{ name: 'tanh' }, { name: 'relu' }], seeds: 2 } });
      const info = await h.services.handlers['sweeps/start']({ sweep: spec });
      await new Promise<void>((resolve) => {
        const off = h.services.onEvent((e) => {
          if (e.type === 'progress') {
            off();
            resolve();
          }
        });
      });
      const end = finished(h.services, info.id);
      await h.services.handlers['sweeps/cancel']({ sweepId: info.id });
      expect((await end).status).toBe('cancelled');
      const detail = await h.services.handlers['sweeps/get']({ sweepId: info.id });
      expect(detail.runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
      expect(detail.runs[0]!.epochsDone).toBeGreaterThanOrEqual(1);
      expect(detail.runs[0]!.epochsDone).toBeLessThan(400);
    } finally {
      await h.services.close();
    }
  });

  it('the app continues a sweep its previous session left unfinished, from the store', async () => {
    const first = await host('restart', 1);
    const spec = tinySweep({ epochs: 4, axes: { activation: [{ name: 'tanh' }, { name: 'relu' }], seeds: 1 } });
    const info = await first.services.handlers['sweeps/start']({ sweep: spec });
    await new Promise<void>((resolve) => {
      const off = first.services.onEvent((e) => {
        if (e.type === 'started') {
          off();
          resolve();
        }
      });
    });
    await first.services.close(); // the window is closed mid-sweep
    const second = await host('restart', 1, 'browser');
    try {
      const end = await finished(second.services, info.id);
      expect(end).toMatchObject({ status: 'completed', summary: { progress: { done: 2, failures: 0 } } });
      const rows = metricRowCounts(second.dbPath);
      const detail = await second.services.handlers['sweeps/get']({ sweepId: info.id });
      expect(detail.runs.map((r) => [r.status, r.epochsDone, rows.get(r.runId)])).toEqual([
        ['completed', 4, 4],
        ['completed', 4, 4],
      ]);
    } finally {
      await second.services.close();
    }
  });
});
