import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, listMigrationFiles, openDatabase, readSchemaVersion, RunStore } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

// The test of migration NNNN_runs (run names, notes, tags), in its own file so that migrations added
// beside it merge cleanly; its number is read from the migrations folder, never written here.

const RUNS_MIGRATION = listMigrationFiles(defaultMigrationsDir()).find((m) => m.file.endsWith('_runs.sql'))!;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir()));
afterEach(() => cleanup());

function failure(db: Database.Database, sql: string, ...params: unknown[]): string {
  try {
    db.prepare(sql).run(...params);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe(`${RUNS_MIGRATION.file}`, () => {
  it('keeps the runs before it (automatic names for them), adds empty notes and tags, checks names and tags, cascades tags', () => {
    const before = RUNS_MIGRATION.version - 1;
    const migrations = join(dir, 'old');
    mkdirSync(migrations);
    for (const m of listMigrationFiles(defaultMigrationsDir()).filter((f) => f.version <= before)) copyFileSync(m.path, join(migrations, m.file));
    const path = join(dir, 'initscope.db');
    const old = openDatabase(path, { migrationsDir: migrations });
    expect(readSchemaVersion(old)).toBe(before);
    const spec = JSON.stringify(spiralExperiment({ name: 'mnist 64-10', seed: 3 }));
    old.prepare(`INSERT INTO experiments (id, name, kind, spec_json, created_at) VALUES ('r1', 'mnist 64-10', 'single', ?, 't')`).run(spec);
    old
      .prepare(
        `INSERT INTO runs (id, experiment_id, name, status, experiment_json, seed, app_version, created_at) VALUES ('r1', 'r1', 'mnist 64-10', 'completed', ?, 3, '0.1.0', '2026-01-01T00:00:00.000Z')`,
      )
      .run(spec);
    const row = old.prepare(`SELECT * FROM runs`).get() as Record<string, unknown>;
    old.close();

    const db = openDatabase(path);
    expect(readSchemaVersion(db)).toBe(listMigrationFiles(defaultMigrationsDir()).length);
    const after = db.prepare(`SELECT * FROM runs`).get() as Record<string, unknown>;
    expect(Object.fromEntries(Object.keys(row).map((k) => [k, after[k]]))).toEqual(row);
    expect([after.custom_name, after.notes]).toEqual([null, '']);
    expect(new RunStore(db).getRun('r1')).toMatchObject({
      name: 'tanh · Glorot U · Adam 0.001 · seed 3 · Spiral · MLP 8-2',
      tags: [],
      notes: '',
      customName: null,
    });

    expect(failure(db, `UPDATE runs SET custom_name = '' WHERE id = 'r1'`)).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, `UPDATE runs SET custom_name = ? WHERE id = 'r1'`, 'x'.repeat(201))).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, `INSERT INTO run_tags (run_id, tag) VALUES ('r1', '')`)).toBe('SQLITE_CONSTRAINT_CHECK');
    expect(failure(db, `INSERT INTO run_tags (run_id, tag) VALUES ('nope', 'a')`)).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(failure(db, `INSERT INTO run_tags (run_id, tag) VALUES ('r1', 'a')`)).toBe('ok');
    expect(failure(db, `INSERT INTO run_tags (run_id, tag) VALUES ('r1', 'a')`)).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    db.prepare(`DELETE FROM runs WHERE id = 'r1'`).run();
    expect(db.prepare('SELECT count(*) FROM run_tags').pluck().get()).toBe(0);
    // "Runs with this tag" uses its index.
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT run_id FROM run_tags WHERE tag = 'a'`).all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toContain('run_tags_by_tag');
    db.close();
  });
});
