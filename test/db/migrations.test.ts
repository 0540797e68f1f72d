import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, listMigrationFiles, openDatabase, readSchemaVersion, RunStore } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

// One test per migration (Signal Desktop's pattern): build a database at the version before it (the
// real migrations 1..N-1, copied into a temp folder), write rows of that version's shape, open it with
// every migration, and check the rows after: values kept, new columns at their defaults, and the new
// constraints enforced.

type Row = Record<string, unknown>;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir()));
afterEach(() => cleanup());

/** A database file at schema `version` (the real migrations up to it), open without migrating further. */
function databaseAt(version: number): { db: Database.Database; path: string } {
  const migrations = join(dir, `migrations-${version}`);
  mkdirSync(migrations);
  for (const file of listMigrationFiles(defaultMigrationsDir()).filter((m) => m.version <= version)) {
    copyFileSync(file.path, join(migrations, file.file));
  }
  const path = join(dir, 'initscope.db');
  openDatabase(path, { migrationsDir: migrations }).close();
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  expect(readSchemaVersion(db)).toBe(version);
  return { db, path };
}

/** Closes `old` and opens its file with all the real migrations (as the app does); checks the backup. */
function migrateToLatest(old: { db: Database.Database; path: string }, fromVersion: number): Database.Database {
  old.db.close();
  const db = openDatabase(old.path);
  expect(readSchemaVersion(db)).toBe(listMigrationFiles(defaultMigrationsDir()).length);
  expect(existsSync(`${old.path}.backup-v${fromVersion}`)).toBe(true);
  return db;
}

const all = (db: Database.Database, table: string, order: string): Row[] => db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Row[];

/** Each row of `after` restricted to the columns `before` had: the old values must be kept exactly. */
function keptColumns(after: Row[], before: Row[]): Row[] {
  const columns = Object.keys(before[0] ?? {});
  return after.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));
}

/** Runs `sql` and returns the SQLite error code it fails with (e.g. SQLITE_CONSTRAINT_CHECK), or 'ok'. */
function failure(db: Database.Database, sql: string, ...params: unknown[]): string {
  try {
    db.prepare(sql).run(...params);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const spec = JSON.stringify(spiralExperiment());
const T0 = '2026-01-02T03:04:05.000Z';

/** Version-1 rows: an experiment with two runs (one completed, one queued) and a curve. */
function insertV1(db: Database.Database): void {
  db.prepare(`INSERT INTO experiments (id, name, kind, spec_json, created_at) VALUES ('e1', 'spiral tanh', 'single', ?, ?)`).run(spec, T0);
  const run = db.prepare(
    `INSERT INTO runs (id, experiment_id, name, status, experiment_json, seed, backend, tfjs_version, app_version, created_at,
       started_at, finished_at, epochs_done, train_loss, train_acc, val_loss, val_acc)
     VALUES (@id, 'e1', @name, @status, @spec, 42, @backend, @tfjs, '0.1.0', @t, @started, @finished, @epochs, @loss, @acc, @vloss, @vacc)`,
  );
  run.run({
    id: 'r1',
    name: 'spiral tanh',
    status: 'completed',
    spec,
    backend: 'wasm',
    tfjs: '4.22.0',
    t: T0,
    started: T0,
    finished: T0,
    epochs: 2,
    loss: 0.25,
    acc: 0.875,
    vloss: 0.5,
    vacc: 0.75,
  });
  run.run({
    id: 'r2',
    name: 'spiral tanh 2',
    status: 'queued',
    spec,
    backend: null,
    tfjs: null,
    t: T0,
    started: null,
    finished: null,
    epochs: 0,
    loss: null,
    acc: null,
    vloss: null,
    vacc: null,
  });
  const metric = db.prepare(
    `INSERT INTO metrics (run_id, epoch, step, train_loss, train_acc, val_loss, val_acc, elapsed_ms) VALUES ('r1', ?, ?, ?, ?, ?, ?, ?)`,
  );
  metric.run(1, 10, 0.5, 0.625, 0.6, 0.5, 12.5);
  metric.run(2, 20, 0.25, 0.875, 0.5, 0.75, 25);
}

const HISTOGRAM = JSON.stringify(Array.from({ length: 22 }, (_, i) => (i === 10 ? 1 : 0)));

/** Version-2 rows: v1 plus layer statistics of r1. */
function insertV2(db: Database.Database): void {
  insertV1(db);
  db.prepare(
    `INSERT INTO layer_stats (run_id, step, epoch, layer_index, layer, activation_mean, activation_std, zero_fraction, dead_fraction,
       saturated_fraction, weight_std, gradient_norm, update_ratio, histogram_json)
     VALUES ('r1', 10, 1, 0, 'dense_0', 0.01, 0.5, 0, 0, 0.125, 0.4, 0.03, 0.001, ?)`,
  ).run(HISTOGRAM);
}

/** Version-3 rows: v2 plus a sweep of two runs. */
function insertV3(db: Database.Database): void {
  insertV2(db);
  db.prepare(`INSERT INTO experiments (id, name, kind, spec_json, created_at) VALUES ('s1', 'sweep', 'sweep', '{"axes":{}}', ?)`).run(T0);
  db.prepare(`INSERT INTO sweeps (id, status, total_runs, axes_json, created_at) VALUES ('s1', 'completed', 2, '[]', ?)`).run(T0);
  for (const [i, id] of ['s1r0', 's1r1'].entries()) {
    db.prepare(
      `INSERT INTO runs (id, experiment_id, name, status, experiment_json, seed, app_version, created_at) VALUES (?, 's1', ?, 'completed', ?, ?, '0.1.0', ?)`,
    ).run(id, `cell ${i}`, spec, 42 + i, T0);
    db.prepare(`INSERT INTO sweep_runs (sweep_id, position, run_id, seed_index, coords_json) VALUES ('s1', ?, ?, ?, '{"activation":0}')`).run(i, id, i);
  }
}

const SHA = 'ab'.repeat(32);

/** Version-4 rows: v3 plus two artifacts (one of r1, one not tied to a run). */
function insertV4(db: Database.Database): void {
  insertV3(db);
  const artifact = db.prepare(`INSERT INTO artifacts (run_id, export_id, kind, path, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  artifact.run('r1', 'x1', 'weights', '/data/r1/weights.bin', 4096, SHA, T0);
  artifact.run(null, 'x2', 'spec', '/exports/net.json', 120, SHA, T0);
}

/** Version-5 rows: v4 plus an owner that owns the queued run and the sweep. */
function insertV5(db: Database.Database): void {
  insertV4(db);
  db.prepare(`INSERT INTO owners (id, pid, hostname, kind, started_at, lease_expires_at) VALUES ('o1', 1234, 'box', 'cli', ?, ?)`).run(T0, T0);
  db.prepare(`UPDATE runs SET owner_id = 'o1' WHERE id = 'r2'`).run();
  db.prepare(`UPDATE sweeps SET owner_id = 'o1' WHERE id = 's1'`).run();
}

describe('each migration keeps the rows of the version before it', () => {
  it('0002_layer_stats: runs and curves kept; layer_stats checks its values and cascades with its run', () => {
    const old = databaseAt(1);
    insertV1(old.db);
    const runs = all(old.db, 'runs', 'id');
    const metrics = all(old.db, 'metrics', 'run_id, step');
    const db = migrateToLatest(old, 1);
    expect(keptColumns(all(db, 'runs', 'id'), runs)).toEqual(runs);
    expect(all(db, 'metrics', 'run_id, step')).toEqual(metrics);
    // The store reads the old run as it was (new columns empty).
    const r1 = new RunStore(db).getRun('r1');
    expect(r1).toMatchObject({ id: 'r1', status: 'completed', epochsDone: 2, backend: 'wasm' });
    expect(r1?.metrics).toMatchObject({ trainLoss: 0.25, trainAcc: 0.875, valLoss: 0.5, valAcc: 0.75 });
    const insert = `INSERT INTO layer_stats (run_id, step, epoch, layer_index, layer, histogram_json) VALUES (?, ?, 1, 0, 'dense_0', ?)`;
    expect(failure(db, insert, 'r1', 10, HISTOGRAM)).toBe('ok');
    expect(failure(db, insert, 'r1', 10, HISTOGRAM)).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(failure(db, insert, 'r1', 11, 'not json')).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, insert, 'r1', -1, HISTOGRAM)).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, insert, 'nope', 12, HISTOGRAM)).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    db.prepare(`DELETE FROM runs WHERE id = 'r1'`).run();
    expect(db.prepare('SELECT count(*) FROM layer_stats').pluck().get()).toBe(0);
    db.close();
  });

  it('0003_sweeps: v2 rows kept; a sweep defaults to running, checks its fields and cascades from its experiment', () => {
    const old = databaseAt(2);
    insertV2(old.db);
    const before = {
      runs: all(old.db, 'runs', 'id'),
      stats: all(old.db, 'layer_stats', 'run_id, step, layer_index'),
      experiments: all(old.db, 'experiments', 'id'),
    };
    const db = migrateToLatest(old, 2);
    expect(keptColumns(all(db, 'runs', 'id'), before.runs)).toEqual(before.runs);
    expect(keptColumns(all(db, 'layer_stats', 'run_id, step, layer_index'), before.stats)).toEqual(before.stats);
    expect(all(db, 'experiments', 'id')).toEqual(before.experiments);
    db.prepare(`INSERT INTO experiments (id, name, kind, spec_json, created_at) VALUES ('s1', 'sweep', 'sweep', '{}', ?)`).run(T0);
    expect(failure(db, `INSERT INTO sweeps (id, total_runs, axes_json, created_at) VALUES ('s1', 0, '[]', ?)`, T0)).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, `INSERT INTO sweeps (id, status, total_runs, axes_json, created_at) VALUES ('s1', 'paused', 1, '[]', ?)`, T0)).toBe(
      'SQLITE_CONSTRAINT_CHECK',
    );
    expect(failure(db, `INSERT INTO sweeps (id, total_runs, axes_json, created_at) VALUES ('nope', 1, '[]', ?)`, T0)).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(failure(db, `INSERT INTO sweeps (id, total_runs, axes_json, created_at) VALUES ('s1', 1, '[]', ?)`, T0)).toBe('ok');
    expect(db.prepare(`SELECT status, owner_id FROM sweeps WHERE id = 's1'`).get()).toEqual({ status: 'running', owner_id: null });
    db.prepare(`INSERT INTO runs (id, experiment_id, name, experiment_json, seed, app_version, created_at) VALUES ('s1r0', 's1', 'c', ?, 1, '0.1.0', ?)`).run(
      spec,
      T0,
    );
    const sweepRun = `INSERT INTO sweep_runs (sweep_id, position, run_id, seed_index, coords_json) VALUES ('s1', ?, 's1r0', 0, '{}')`;
    expect(failure(db, sweepRun, 0)).toBe('ok');
    expect(failure(db, sweepRun, 1)).toBe('SQLITE_CONSTRAINT_UNIQUE'); // a run sits in one place of one sweep
    db.prepare(`DELETE FROM experiments WHERE id = 's1'`).run();
    expect([db.prepare('SELECT count(*) FROM sweeps').pluck().get(), db.prepare('SELECT count(*) FROM sweep_runs').pluck().get()]).toEqual([0, 0]);
    expect(db.prepare(`SELECT id FROM runs ORDER BY id`).pluck().all()).toEqual(['r1', 'r2']);
    db.close();
  });

  it('0004_artifacts: v3 rows kept; artifacts check kind and sha256 and cascade with their run', () => {
    const old = databaseAt(3);
    insertV3(old.db);
    const before = { runs: all(old.db, 'runs', 'id'), sweeps: all(old.db, 'sweeps', 'id'), sweepRuns: all(old.db, 'sweep_runs', 'sweep_id, position') };
    const db = migrateToLatest(old, 3);
    expect(keptColumns(all(db, 'runs', 'id'), before.runs)).toEqual(before.runs);
    expect(keptColumns(all(db, 'sweeps', 'id'), before.sweeps)).toEqual(before.sweeps);
    expect(all(db, 'sweep_runs', 'sweep_id, position')).toEqual(before.sweepRuns);
    const insert = `INSERT INTO artifacts (run_id, export_id, kind, path, bytes, sha256, created_at) VALUES (?, 'x', ?, '/p', 1, ?, ?)`;
    expect(failure(db, insert, 'r1', 'weights', SHA, T0)).toBe('ok');
    expect(failure(db, insert, null, 'report', SHA, T0)).toBe('ok');
    expect(failure(db, insert, 'r1', 'zip', SHA, T0)).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, insert, 'r1', 'onnx', 'AB'.repeat(32), T0)).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, insert, 'r1', 'onnx', 'ab', T0)).toBe('SQLITE_CONSTRAINT_CHECK');
    db.prepare(`DELETE FROM runs WHERE id = 'r1'`).run();
    expect(db.prepare('SELECT run_id FROM artifacts').pluck().all()).toEqual([null]);
    db.close();
  });

  it('0005_run_owners: v4 rows kept with no owner; owners check pid and kind', () => {
    const old = databaseAt(4);
    insertV4(old.db);
    const before = { runs: all(old.db, 'runs', 'id'), sweeps: all(old.db, 'sweeps', 'id'), artifacts: all(old.db, 'artifacts', 'id') };
    const db = migrateToLatest(old, 4);
    const runs = all(db, 'runs', 'id');
    expect(keptColumns(runs, before.runs)).toEqual(before.runs);
    expect(runs.map((r) => r.owner_id)).toEqual([null, null, null, null]);
    expect(keptColumns(all(db, 'sweeps', 'id'), before.sweeps)).toEqual(before.sweeps);
    expect(all(db, 'sweeps', 'id').map((s) => s.owner_id)).toEqual([null]);
    expect(all(db, 'artifacts', 'id')).toEqual(before.artifacts);
    const owner = `INSERT INTO owners (id, pid, hostname, kind, started_at, lease_expires_at) VALUES (?, ?, 'box', ?, ?, ?)`;
    expect(failure(db, owner, 'o1', 99, 'app', T0, T0)).toBe('ok');
    expect(failure(db, owner, 'o1', 99, 'app', T0, T0)).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(failure(db, owner, 'o2', 0, 'app', T0, T0)).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, owner, 'o3', 99, '', T0, T0)).toBe('SQLITE_CONSTRAINT_CHECK');
    // Recovery finds a process's runs through the new partial index.
    db.prepare(`UPDATE runs SET owner_id = 'o1' WHERE id = 'r2'`).run();
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM runs WHERE owner_id = 'o1'`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('runs_by_owner');
    db.close();
  });

  it('0006_test_metrics_provenance: v5 rows kept (owners too); test metrics and provenance start empty; provenance must be JSON', () => {
    const old = databaseAt(5);
    insertV5(old.db);
    const before = { runs: all(old.db, 'runs', 'id'), owners: all(old.db, 'owners', 'id'), sweeps: all(old.db, 'sweeps', 'id') };
    const db = migrateToLatest(old, 5);
    const runs = all(db, 'runs', 'id');
    expect(keptColumns(runs, before.runs)).toEqual(before.runs);
    expect(runs.map((r) => r.owner_id)).toEqual([null, 'o1', null, null]);
    expect(runs.map((r) => [r.test_loss, r.test_acc, r.provenance_json])).toEqual(Array.from({ length: 4 }, () => [null, null, null]));
    expect(all(db, 'owners', 'id')).toEqual(before.owners);
    expect(all(db, 'sweeps', 'id')).toEqual(before.sweeps);
    expect(new RunStore(db).getRun('r1')).toMatchObject({ id: 'r1', status: 'completed', provenance: null });
    expect(failure(db, `UPDATE runs SET provenance_json = ? WHERE id = 'r1'`, '{not json')).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, `UPDATE runs SET provenance_json = ?, test_loss = 0.3, test_acc = 0.9 WHERE id = 'r1'`, '{"seed":42}')).toBe('ok');
    db.close();
  });

  it('queue (distributed sweeps): v6 rows kept with no delivery nor machine; queue_sweeps checks its counts and cascades with its sweep', () => {
    const old = databaseAt(6);
    insertV5(old.db);
    const before = { runs: all(old.db, 'runs', 'id'), sweeps: all(old.db, 'sweeps', 'id') };
    const db = migrateToLatest(old, 6);
    const runs = all(db, 'runs', 'id');
    expect(keptColumns(runs, before.runs)).toEqual(before.runs);
    expect(runs.map((r) => [r.queue_delivery, r.worker_host])).toEqual(Array.from({ length: 4 }, () => [null, null]));
    const sweepId = before.sweeps[0]!.id as string;
    const insert = `INSERT INTO queue_sweeps (sweep_id, queue_label, workers_connected, updated_at, cancel_requested) VALUES (?, 'redis://lab1:6379/0 initscope', ?, '2026-01-01T00:00:00.000Z', ?)`;
    expect(failure(db, insert, sweepId, -1, 0)).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, insert, sweepId, 3, 2)).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, insert, 'no-such-sweep', 3, 0)).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(failure(db, insert, sweepId, 3, 0)).toBe('ok');
    db.prepare('DELETE FROM experiments WHERE id = ?').run(sweepId);
    expect(all(db, 'queue_sweeps', 'sweep_id')).toEqual([]);
    db.close();
  });
});
