import { describe, expect, it } from 'vitest';
import { expandSweep } from '../../main/services/sweep-expand.js';
import { openDatabase, QueueStore, RunStore, SweepStore } from '../../main/store/index.js';
import { tinySweep } from '../unit/sweeps/helpers.js';

function setup() {
  const db = openDatabase(':memory:');
  const spec = tinySweep();
  const { plan, runs } = expandSweep(spec);
  new SweepStore(db).createSweep({
    id: 'sw1',
    spec,
    axes: plan.axes,
    createdAt: '2025-03-01T10:00:00.000Z',
    appVersion: '0.1.0',
    runs: runs.map((r) => ({ ...r, runId: `r${r.position}` })),
    ownerId: 'gone',
  });
  return { db, queue: new QueueStore(db), runs: new RunStore(db) };
}

const point = (epoch: number) => ({ epoch, step: epoch * 4, trainLoss: 0.5, trainAcc: 0.7, valLoss: 0.6, valAcc: 0.6, elapsedMs: epoch * 10 });
const started = { backend: 'wasm', tfjsVersion: '4.22.0', startedAt: '2025-03-01T10:01:00.000Z' };
const claim = { ownerId: 'me', describeLive: () => null };

describe('QueueStore', () => {
  it('names each run’s job by sweep and position, and a new delivery restarts the run from scratch', () => {
    const { db, queue, runs } = setup();
    expect(queue.runState('r3')).toEqual({ status: 'queued', delivery: null, jobId: 'sw1-3' });
    queue.beginDelivery('r3', 'd1', 'lab1');
    runs.markStarted('r3', started);
    runs.appendMetrics('r3', [point(1), point(2), point(3)]);
    expect(queue.runState('r3')).toMatchObject({ status: 'running', delivery: 'd1' });
    // The worker died; BullMQ delivered the job again, to lab2.
    queue.beginDelivery('r3', 'd2', 'lab2');
    expect(queue.runState('r3')).toMatchObject({ status: 'queued', delivery: 'd2' });
    expect(runs.getMetrics('r3')).toEqual([]);
    runs.markStarted('r3', started);
    runs.appendMetrics('r3', [point(1)]);
    runs.appendMetrics('r3', [point(1), point(2)]); // a replayed event overwrites its row
    expect(runs.getMetrics('r3').map((p) => p.epoch)).toEqual([1, 2]);
    expect(new SweepStore(db).listRuns('sw1')[3]).toMatchObject({ runId: 'r3', worker: 'lab2' });
    runs.finishRun('r3', { status: 'completed', finishedAt: '2025-03-01T10:02:00.000Z' });
    queue.beginDelivery('r3', 'd3', 'lab3'); // a late delivery never reopens an ended run
    expect(queue.runState('r3')).toMatchObject({ status: 'completed', delivery: 'd2' });
    expect(runs.getMetrics('r3')).toHaveLength(2);
  });

  it('reclaims a sweep: started runs keep their curve and delivery, the rest restart with none, ended ones stay', () => {
    const { db, queue, runs } = setup();
    queue.beginDelivery('r0', 'd0', 'lab1');
    runs.markStarted('r0', started);
    runs.appendMetrics('r0', [point(1), point(2)]);
    queue.beginDelivery('r1', 'd1', 'lab1');
    runs.markStarted('r1', started);
    runs.finishRun('r1', { status: 'completed', finishedAt: '2025-03-01T10:02:00.000Z' });
    queue.beginDelivery('r2', 'd2', 'lab2');
    runs.markStarted('r2', started);
    runs.finishRun('r2', { status: 'cancelled', finishedAt: '2025-03-01T10:02:00.000Z' });
    // The coordinator was killed: recovery marked its unfinished work interrupted.
    db.prepare("UPDATE runs SET status = 'interrupted' WHERE status IN ('queued', 'running')").run();
    db.prepare("UPDATE sweeps SET status = 'interrupted'").run();
    const reclaimed = queue.reclaim('sw1', claim);
    expect(reclaimed.map((r) => [r.runId, r.kept])).toEqual([['r0', true], ['r2', false], ...['r3', 'r4', 'r5', 'r6', 'r7'].map((id) => [id, false])]);
    expect(queue.runState('r0')).toMatchObject({ status: 'running', delivery: 'd0' });
    expect(runs.getMetrics('r0')).toHaveLength(2);
    expect(queue.runState('r1')).toMatchObject({ status: 'completed', delivery: 'd1' });
    expect(queue.runState('r2')).toMatchObject({ status: 'queued', delivery: null });
    expect(db.prepare("SELECT status, owner_id FROM sweeps WHERE id = 'sw1'").get()).toEqual({ status: 'running', owner_id: 'me' });
  });

  it('refuses to reclaim a sweep another live coordinator runs, naming it', () => {
    const { queue } = setup();
    expect(() => queue.reclaim('sw1', { ownerId: 'me', describeLive: () => 'cli process 42 on host lab9' })).toThrow(/cli process 42 on host lab9/);
  });

  it('records the queue of a sweep, its workers and a cancel asked by another process', () => {
    const { queue } = setup();
    expect(queue.sweep('sw1')).toBeNull();
    expect(queue.requestCancel('sw1')).toBe(false);
    queue.markQueued('sw1', 'redis://lab1:6379/0 initscope', '2025-03-01T10:00:00.000Z');
    queue.setWorkersConnected('sw1', 3, '2025-03-01T10:00:02.000Z');
    expect(queue.requestCancel('sw1')).toBe(true);
    expect(queue.sweep('sw1')).toEqual({
      label: 'redis://lab1:6379/0 initscope',
      workersConnected: 3,
      updatedAt: '2025-03-01T10:00:02.000Z',
      cancelRequested: true,
    });
    queue.clearCancel('sw1');
    expect(queue.sweep('sw1')?.cancelRequested).toBe(false);
  });
});
