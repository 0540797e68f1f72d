import { afterEach, describe, expect, it } from 'vitest';
import { expandSweep } from '../../main/services/sweep-expand.js';
import { openDatabase, OwnerStore, recoverOrphans, RunStore, SweepStore } from '../../main/store/index.js';
import { tinySweep } from '../unit/sweeps/helpers.js';
import { copyRealMigrations, makeTempDir } from './helpers.js';

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

function setup() {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  const db = openDatabase(':memory:');
  const spec = tinySweep();
  const { plan, runs } = expandSweep(spec);
  const sweeps = new SweepStore(db);
  const stored = sweeps.createSweep({
    id: 'sw1',
    spec,
    axes: plan.axes,
    createdAt: '2025-03-01T10:00:00+01:00',
    appVersion: '0.1.0',
    runs: runs.map((r) => ({ ...r, runId: `r${r.position}` })),
  });
  return { db, sweeps, runStore: new RunStore(db), stored };
}

const point = (epoch: number, valAcc: number) => ({ epoch, step: epoch * 4, trainLoss: 0.5, trainAcc: 0.7, valLoss: 0.6, valAcc, elapsedMs: epoch * 10 });
const at = '2025-03-01T10:05:00.000Z';

describe('SweepStore', () => {
  it('stores a sweep and its queued runs with their grid coordinates in one go', () => {
    const { sweeps, runStore, stored } = setup();
    expect(stored).toMatchObject({ id: 'sw1', name: 'tiny', status: 'running', totalRuns: 8, createdAt: '2025-03-01T09:00:00.000Z', finishedAt: null });
    expect(stored.axes.map((a) => a.name)).toEqual(['initializer', 'activation']);
    expect(sweeps.counts('sw1')).toMatchObject({ queued: 8, running: 0, completed: 0 });
    const runs = sweeps.listRuns('sw1');
    expect(runs.map((r) => r.runId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(runs[6]).toMatchObject({ seedIndex: 1, seed: 12, coords: { initializer: 1, activation: 0 }, status: 'queued' });
    expect(runStore.getRun('r6')?.experiment.train.seed).toBe(12);
    expect(sweeps.sweepOfRun('r6')).toBe('sw1');
    expect(sweeps.sweepOfRun('nope')).toBeUndefined();
    expect(sweeps.listSweeps().map((s) => s.id)).toEqual(['sw1']);
  });

  it('refuses a duplicate sweep id without writing anything', () => {
    const { sweeps, stored } = setup();
    expect(() =>
      sweeps.createSweep({
        ...stored,
        appVersion: 'x',
        createdAt: at,
        runs: [{ runId: 'zz', position: 0, seedIndex: 0, coords: {}, experiment: stored.spec.base }],
      }),
    ).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(sweeps.counts('sw1').queued).toBe(8);
  });

  it('requeues interrupted and cancelled runs from scratch, keeping ended ones and their curves', () => {
    const { db, sweeps, runStore } = setup();
    const started = { backend: 'wasm', tfjsVersion: '4.22.0', startedAt: at };
    runStore.markStarted('r0', started);
    runStore.appendMetrics('r0', [point(1, 0.7), point(2, 0.8)]);
    runStore.finishRun('r0', { status: 'completed', finishedAt: at });
    runStore.markStarted('r1', started);
    runStore.appendMetrics('r1', [point(1, 0.5)]);
    runStore.finishRun('r1', { status: 'diverged', finishedAt: at, divergedAtStep: 6 });
    runStore.markStarted('r2', started);
    runStore.appendMetrics('r2', [point(1, 0.65), point(2, 0.9)]);
    runStore.finishRun('r3', { status: 'cancelled', finishedAt: at });
    // The host dies (its runs have no owner): r2 (running) and the queued runs become interrupted.
    const recovered = recoverOrphans(db, { ownerId: 'owner_next', requeueSingles: true, finishedAt: at });
    expect(recovered.interruptedRunIds).toEqual(['r2', 'r4', 'r5', 'r6', 'r7']);
    expect(recovered.requeuedRunIds).toEqual([]); // sweep runs are never requeued as singles
    expect(recovered.interruptedSweepIds).toEqual(['sw1']);
    expect(sweeps.sweepIdsWithStatus('interrupted')).toEqual(['sw1']);
    expect(sweeps.firstEpochReaching('sw1', 0.75)).toEqual(
      new Map([
        ['r0', 2],
        ['r2', 2],
      ]),
    );

    const requeued = sweeps.requeue('sw1');
    expect(requeued.map((r) => r.runId)).toEqual(['r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(requeued[0]!.experiment.train.seed).toBe(11);
    expect(sweeps.getSweep('sw1')?.status).toBe('running');
    expect(sweeps.counts('sw1')).toMatchObject({ queued: 6, completed: 1, diverged: 1, interrupted: 0, cancelled: 0 });
    expect(runStore.getMetrics('r2')).toEqual([]); // restarted from scratch: no partial curve left
    expect(runStore.getRun('r2')).toMatchObject({ status: 'queued', epochsDone: 0, startedAt: null, finishedAt: null, backend: null });
    expect(runStore.getMetrics('r0')).toHaveLength(2);
    expect(runStore.getRun('r1')).toMatchObject({ status: 'diverged', divergedAtStep: 6 });
    expect(sweeps.firstEpochReaching('sw1', 0.75)).toEqual(new Map([['r0', 2]]));
  });

  it('hands a sweep to one process at a time: a live owner keeps it, a gone one is taken over', () => {
    const { db, sweeps } = setup();
    const owners = new OwnerStore(db);
    const alive = owners.register('cli', 60_000); // this process: alive
    db.prepare('UPDATE sweeps SET owner_id = ?').run(alive.id);
    const claim = (ownerId: string) => ({ ownerId, describeLive: (id: string) => owners.describeLive(id) });
    expect(() => sweeps.requeue('sw1', claim('owner_app'))).toThrow(
      expect.objectContaining({ code: 'conflict', message: expect.stringContaining(`cli process ${process.pid} on host`) }),
    );
    expect(sweeps.getSweep('sw1')?.ownerId).toBe(alive.id);
    owners.remove(alive.id); // its process has ended
    expect(sweeps.requeue('sw1', claim('owner_app')).map((r) => r.runId)).toHaveLength(8);
    expect(sweeps.getSweep('sw1')).toMatchObject({ status: 'running', ownerId: 'owner_app' });
    expect(db.prepare("SELECT count(*) FROM runs WHERE experiment_id = 'sw1' AND owner_id = 'owner_app'").pluck().get()).toBe(8);
  });

  it('sets status and refuses unknown sweeps', () => {
    const { sweeps } = setup();
    sweeps.setStatus('sw1', 'completed', at);
    expect(sweeps.getSweep('sw1')).toMatchObject({ status: 'completed', finishedAt: at });
    expect(() => sweeps.setStatus('nope', 'completed', at)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => sweeps.requeue('nope')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

describe('SweepStore without migration 0004', () => {
  it('opens, reports itself unavailable and refuses use with a clear error', () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const db = openDatabase(':memory:', { migrationsDir: copyRealMigrations(tmp.dir, 'only-0001') });
    const store = new SweepStore(db);
    expect(store.isAvailable()).toBe(false);
    expect(() => store.listSweeps()).toThrow('has no sweeps table (migration 0003_sweeps not applied)');
    db.close();
  });
});
