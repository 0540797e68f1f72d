import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OwnerStore, openDatabase, ownerIsGone, pidAlive, recoverOrphans, RunStore, type OwnerRow } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

const at = '2025-06-01T12:00:00.000Z';

/** A pid that certainly belonged to a process which has exited (a child we ran to completion). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '0']);
  expect(pidAlive(result.pid!)).toBe(false);
  return result.pid!;
}

describe('owners and start-up recovery', () => {
  let cleanup: () => void;
  let db: Database.Database;
  let runs: RunStore;
  let owners: OwnerStore;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    db = openDatabase(join(tmp.dir, 'initscope.db'));
    runs = new RunStore(db);
    owners = new OwnerStore(db);
  });
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    db.close();
    cleanup();
  });

  /** Stores a run owned by `ownerId`, optionally marked running. */
  function run(id: string, ownerId: string | null, running = true): void {
    runs.createRun({ id, name: id, experiment: spiralExperiment(), createdAt: at, appVersion: '0.1.0', ownerId });
    if (running) runs.markStarted(id, { backend: 'wasm', tfjsVersion: '4.22.0', startedAt: at });
  }

  /** A live process on this host that is not this one. */
  function liveChild(): number {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    children.push(child);
    return child.pid!;
  }

  it('never touches the runs of a live process on this host, and recovers them once it has died', async () => {
    const other = liveChild();
    const owner = owners.register('cli', 60_000, new Date(), other);
    run('theirs', owner.id);
    const me = owners.register('serve', 60_000);

    const first = recoverOrphans(db, { ownerId: me.id, requeueSingles: true, finishedAt: at });
    expect(first).toEqual({ requeuedRunIds: [], interruptedRunIds: [], interruptedSweepIds: [], removedOwnerIds: [] });
    expect(runs.getRun('theirs')?.status).toBe('running');

    const child = children[0]!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const second = recoverOrphans(db, { ownerId: me.id, requeueSingles: false, finishedAt: at });
    expect(second).toEqual({ requeuedRunIds: [], interruptedRunIds: ['theirs'], interruptedSweepIds: [], removedOwnerIds: [owner.id] });
    expect(runs.getRun('theirs')).toMatchObject({ status: 'interrupted', finishedAt: at });
    expect(owners.get(owner.id)).toBeUndefined();
    expect(owners.get(me.id)).toBeDefined();
  });

  it('treats an owner on another host as live until its lease expires', () => {
    const remote = owners.register('cli', 1_000, new Date(Date.now() - 500), 4242, 'another-host');
    run('remote', remote.id);
    const me = owners.register('serve', 60_000);
    expect(recoverOrphans(db, { ownerId: me.id, requeueSingles: true, finishedAt: at }).requeuedRunIds).toEqual([]);
    // 600 ms later its lease (registered 500 ms ago, 1 s long) has passed without a heartbeat.
    const later = { hostname: os.hostname(), pid: process.pid, nowMs: Date.now() + 600, processStartedMs: 0, pidAlive };
    const result = recoverOrphans(db, { ownerId: me.id, requeueSingles: true, finishedAt: at, probe: later });
    expect(result).toMatchObject({ requeuedRunIds: ['remote'], removedOwnerIds: [remote.id] });
    // Requeued for this process, from scratch.
    expect(runs.getRun('remote')).toMatchObject({ status: 'queued', startedAt: null, backend: null });
    expect(db.prepare("SELECT owner_id FROM runs WHERE id = 'remote'").pluck().get()).toBe(me.id);
  });

  it('renews a lease with the heartbeat, and writes a taken row back', () => {
    const me = owners.register('cli', 1_000, new Date('2025-06-01T12:00:00Z'));
    expect(owners.renew(me, 1_000, new Date('2025-06-01T12:00:30Z'))).toBe(true);
    expect(owners.get(me.id)?.leaseExpiresAt).toBe('2025-06-01T12:00:31.000Z');
    db.prepare('DELETE FROM owners WHERE id = ?').run(me.id);
    expect(owners.renew(me, 1_000, new Date('2025-06-01T12:00:40Z'))).toBe(false);
    expect(owners.get(me.id)?.leaseExpiresAt).toBe('2025-06-01T12:00:41.000Z');
  });

  it('judges liveness by lease, host and pid', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const probe = { hostname: 'here', pid: 100, nowMs: now, processStartedMs: now - 10_000, pidAlive: (pid: number) => pid === 7 };
    const row = (over: Partial<OwnerRow>): OwnerRow => ({
      id: 'o',
      pid: 7,
      hostname: 'here',
      kind: 'cli',
      startedAt: '2025-06-01T11:59:00Z',
      leaseExpiresAt: '2025-06-01T12:00:30Z',
      ...over,
    });
    expect(ownerIsGone(row({}), probe)).toBe(false); // live pid, valid lease
    expect(ownerIsGone(row({ pid: 8 }), probe)).toBe(true); // dead pid here
    expect(ownerIsGone(row({ pid: 8, hostname: 'there' }), probe)).toBe(false); // can't see remote pids
    expect(ownerIsGone(row({ leaseExpiresAt: '2025-06-01T11:59:59Z' }), probe)).toBe(true); // lease over
    // Our own pid: registered before this process started means a recycled pid (gone); after, us.
    expect(ownerIsGone(row({ pid: 100, startedAt: '2025-06-01T11:50:00Z' }), probe)).toBe(true);
    expect(ownerIsGone(row({ pid: 100, startedAt: '2025-06-01T11:59:55Z', leaseExpiresAt: '2025-06-01T11:59:56Z' }), probe)).toBe(false);
  });

  it('recovers runs with no owner (databases from before owners) and of owners that exited without ending them', () => {
    run('legacy', null);
    const gone = owners.register('serve', 60_000, new Date(), deadPid());
    run('crashed', gone.id, false);
    const clean = owners.register('cli', 60_000, new Date(), liveChild());
    run('left', clean.id);
    owners.remove(clean.id); // a clean exit with a run still running (its id stays on the run)
    run('done', null, true);
    runs.finishRun('done', { status: 'completed', finishedAt: at });
    const me = owners.register('serve', 60_000);
    const result = recoverOrphans(db, { ownerId: me.id, requeueSingles: false, finishedAt: at });
    expect(result.interruptedRunIds).toEqual(['legacy', 'crashed', 'left']);
    expect(result.removedOwnerIds).toEqual([gone.id]);
    expect(runs.getRun('done')?.status).toBe('completed');
    expect(db.prepare("SELECT owner_id FROM runs WHERE id = 'left'").pluck().get()).toBe(clean.id);
  });

  it('clears the owner of ended runs on a clean exit', () => {
    const me = owners.register('cli', 60_000);
    run('finished', me.id);
    runs.finishRun('finished', { status: 'completed', finishedAt: at });
    run('still', me.id);
    owners.remove(me.id);
    expect(db.prepare('SELECT id, owner_id FROM runs ORDER BY id').all()).toEqual([
      { id: 'finished', owner_id: null },
      { id: 'still', owner_id: me.id },
    ]);
    expect(owners.list()).toEqual([]);
  });
});
