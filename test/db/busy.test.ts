import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../contract/index.js';
import { MetricBuffer } from '../../main/services/metric-buffer.js';
import { DatabaseBusyError, openDatabase, retryBusy, RunStore, writeTransaction } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

const fixture = join(import.meta.dirname, 'fixtures', 'hold-write-lock.ts');

/** Starts a child process that holds the database's write lock for `holdMs`; resolves once it holds it. */
function holdWriteLock(path: string, holdMs: number): Promise<{ released: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, path, String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve({ released }));
    child.on('exit', (code) => reject(new Error(`lock holder exited ${code} before locking`)));
  });
}

const point = (epoch: number): MetricPoint => ({ epoch, step: epoch * 10, trainLoss: 1 / epoch, trainAcc: 0.5, valLoss: null, valAcc: null, elapsedMs: epoch });

describe('busy handling between connections', () => {
  let dir: string;
  let cleanup: () => void;
  let path: string;
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
    path = join(dir, 'shared.db');
    openDatabase(path).close();
  });
  afterEach(() => cleanup());

  it('waits out another process holding the write lock longer than the busy timeout, then writes', async () => {
    const db = openDatabase(path, { busyTimeoutMs: 50 });
    const holder = await holdWriteLock(path, 700);
    const store = new RunStore(db);
    const started = Date.now();
    // One busy timeout (50 ms) alone would fail; the retries with backoff outlast the 700 ms hold.
    store.createRun({ id: 'r1', name: 'r1', experiment: spiralExperiment(), createdAt: '2025-01-01T00:00:00Z', appVersion: '0.1.0' });
    expect(Date.now() - started).toBeGreaterThan(300);
    expect(await holder.released).toBe(0);
    expect(store.getRun('r1')?.status).toBe('queued');
    expect(db.prepare("SELECT count(*) FROM owners WHERE id = 'holder'").pluck().get()).toBe(1);
    db.close();
  });

  it('gives up with a clear DatabaseBusyError (nothing written) when the lock is held through every retry', async () => {
    const db = openDatabase(path, { busyTimeoutMs: 20 });
    const holder = await holdWriteLock(path, 4000);
    const store = new RunStore(db);
    let thrown: unknown;
    try {
      store.createRun({ id: 'r1', name: 'r1', experiment: spiralExperiment(), createdAt: '2025-01-01T00:00:00Z', appVersion: '0.1.0' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DatabaseBusyError);
    expect(thrown).toMatchObject({ code: 'conflict', details: { path, attempts: 7 } });
    expect((thrown as Error).message).toContain(path);
    await holder.released;
    expect(store.getRun('r1')).toBeUndefined();
    db.close();
  });

  it('restarts a read-then-write transaction that lost its snapshot (SQLITE_BUSY_SNAPSHOT)', () => {
    const a = openDatabase(path);
    const b = new Database(path, { timeout: 1000 });
    let interleave = true;
    // A deferred transaction reads (its snapshot), another connection commits, then it writes.
    const readThenWrite = a.transaction(() => {
      const before = a.prepare('SELECT count(*) FROM owners').pluck().get() as number;
      if (interleave) {
        interleave = false;
        b.prepare("INSERT INTO owners (id, pid, hostname, kind, started_at, lease_expires_at) VALUES ('b', 1, 'h', 'cli', 't', 't')").run();
      }
      a.prepare('INSERT INTO owners (id, pid, hostname, kind, started_at, lease_expires_at) VALUES (?, 1, ?, ?, ?, ?)').run(`a${before}`, 'h', 'cli', 't', 't');
    });
    expect(() => readThenWrite()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }));
    interleave = true;
    b.prepare("DELETE FROM owners WHERE id = 'b'").run();
    retryBusy(a, () => readThenWrite()); // first attempt loses its snapshot, the second sees b's row
    expect(a.prepare('SELECT id FROM owners ORDER BY id').pluck().all()).toEqual(['a1', 'b']);

    // BEGIN IMMEDIATE takes the write lock before reading: the other connection waits instead.
    const immediate = writeTransaction(a, () => {
      expect(() => b.prepare("INSERT INTO owners (id, pid, hostname, kind, started_at, lease_expires_at) VALUES ('c', 1, 'h', 'cli', 't', 't')").run()).toThrow(
        expect.objectContaining({ code: 'SQLITE_BUSY' }),
      );
      a.prepare("DELETE FROM owners WHERE id = 'b'").run();
    });
    b.pragma('busy_timeout = 10');
    immediate();
    expect(a.prepare('SELECT id FROM owners').pluck().all()).toEqual(['a1']);
    b.close();
    a.close();
  });

  it('keeps a metric flush that finds the database locked, and writes it with the next flush', () => {
    const db = openDatabase(path, { busyTimeoutMs: 10 });
    const store = new RunStore(db);
    store.createRun({ id: 'r1', name: 'r1', experiment: spiralExperiment(), createdAt: '2025-01-01T00:00:00Z', appVersion: '0.1.0' });
    const logs: string[] = [];
    const buffer = new MetricBuffer<MetricPoint>(
      (runId, points) => store.appendMetrics(runId, points),
      60_000,
      (m) => logs.push(m),
    );
    buffer.add('r1', point(1));
    buffer.add('r1', point(2));
    const other = new Database(path, { timeout: 10 });
    other.exec('BEGIN IMMEDIATE'); // another process is writing
    expect(() => buffer.flushAll()).not.toThrow();
    expect(buffer.pendingCount('r1')).toBe(2);
    expect(logs.join('\n')).toMatch(/busy; 2 point\(s\) of r1 kept/);
    other.exec('COMMIT');
    other.close();
    buffer.add('r1', point(3));
    buffer.flushAll();
    expect(buffer.pendingCount('r1')).toBe(0);
    expect(store.getMetrics('r1').map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(store.getRun('r1')?.epochsDone).toBe(3);
    db.close();
  });
});
