import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/store/index.js';
import { makeTempDir } from './helpers.js';

describe('openDatabase', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = makeTempDir()));
  afterEach(() => cleanup());

  it('opens a file database in WAL mode with foreign keys and a busy timeout', () => {
    const db = openDatabase(join(dir, 'a', 'b', 'initscope.db'), { busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    db.close();
  });

  it('keeps WAL mode when reopened', () => {
    const path = join(dir, 'initscope.db');
    openDatabase(path).close();
    const db = openDatabase(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('accepts :memory:', () => {
    const db = openDatabase(':memory:');
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0);
    db.close();
  });

  it('enforces the status CHECK and cascades deletes', () => {
    const db = openDatabase(':memory:');
    db.prepare("INSERT INTO experiments (id, name, kind, spec_json, created_at) VALUES ('e', 'n', 'single', '{}', 't')").run();
    const insertRun = db.prepare(
      "INSERT INTO runs (id, experiment_id, name, status, experiment_json, seed, app_version, created_at) VALUES (?, 'e', 'r', ?, '{}', 1, '0.1.0', 't')",
    );
    expect(() => insertRun.run('bad', 'exploded')).toThrow(/CHECK constraint failed/);
    insertRun.run('r1', 'queued');
    db.prepare("INSERT INTO metrics (run_id, epoch, step, elapsed_ms) VALUES ('r1', 1, 1, 5)").run();
    expect(() => db.prepare("INSERT INTO metrics (run_id, epoch, step, elapsed_ms) VALUES ('r1', 1, 1, 6)").run()).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare("DELETE FROM experiments WHERE id = 'e'").run();
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(0);
    db.close();
  });
});
