import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FutureDatabaseError,
  MigrationError,
  defaultMigrationsDir,
  findPackageRoot,
  listMigrationFiles,
  migrate,
  openDatabase,
  readSchemaVersion,
} from '../../main/store/index.js';
import { copyRealMigrations, makeTempDir, writeMigrations } from './helpers.js';

const LATEST = listMigrationFiles(defaultMigrationsDir()).length;

function tableNames(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('migrate', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = makeTempDir()));
  afterEach(() => cleanup());

  it('migrates an empty database to the latest version', () => {
    const db = openDatabase(join(dir, 'nested', 'initscope.db'));
    expect(readSchemaVersion(db)).toBe(LATEST);
    expect(tableNames(db)).toEqual(expect.arrayContaining(['datasets', 'experiments', 'metrics', 'runs']));
    db.close();
    expect(existsSync(join(dir, 'nested', 'initscope.db.backup-v0'))).toBe(false);
  });

  it('is a no-op on an already migrated database and keeps its data', () => {
    const path = join(dir, 'initscope.db');
    const first = openDatabase(path);
    first.prepare("INSERT INTO experiments (id, name, kind, spec_json, created_at) VALUES ('e1', 'x', 'single', '{}', 'now')").run();
    first.close();

    const db = openDatabase(path);
    expect(migrate(db)).toEqual({ fromVersion: LATEST, toVersion: LATEST, applied: [], backupPath: null });
    expect(db.prepare('SELECT name FROM experiments').pluck().all()).toEqual(['x']);
    db.close();
    expect(existsSync(`${path}.backup-v${LATEST}`)).toBe(false);
  });

  it('refuses a database from the future without modifying it', () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE notes (text TEXT)');
    raw.pragma('user_version = 999');
    raw.close();
    const before = readFileSync(path);

    const thrown = thrownBy(() => openDatabase(path));
    expect(thrown).toBeInstanceOf(FutureDatabaseError);
    const error = thrown as FutureDatabaseError;
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(path);
    expect(error.message).toContain('schema version 999');
    expect(error.message).toContain(`up to ${LATEST}`);
    expect(error.details).toEqual({ path, version: 999, supportedVersion: LATEST });

    expect(readFileSync(path).equals(before)).toBe(true);
    const check = new Database(path, { readonly: true });
    expect(readSchemaVersion(check)).toBe(999);
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
    expect(existsSync(`${path}.backup-v999`)).toBe(false);
  });

  it('rolls a failing migration back completely and names the file', () => {
    const migrations = writeMigrations(dir, 'migrations', {
      '0001_base.sql': 'CREATE TABLE a (x INTEGER);',
      '0002_good.sql': 'CREATE TABLE b (y INTEGER);',
      '0003_broken.sql': 'CREATE TABLE c (z INTEGER);\nINSERT INTO no_such_table VALUES (1);',
    });
    const path = join(dir, 'broken.db');
    const db = new Database(path);
    db.exec('CREATE TABLE keep (v TEXT); INSERT INTO keep VALUES (1);');

    const error = thrownBy(() => migrate(db, { migrationsDir: migrations }));
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).message).toContain(join(migrations, '0003_broken.sql'));
    expect((error as MigrationError).message).toContain('no such table');
    expect((error as MigrationError).message).toContain('still at schema version 0');
    expect((error as MigrationError).code).toBe('internal');
    expect(readSchemaVersion(db)).toBe(0);
    expect(tableNames(db)).toEqual(['keep']);
    expect(db.inTransaction).toBe(false);
    db.close();
  });

  it('backs the file up before upgrading a database that holds data', () => {
    const migrations = copyRealMigrations(dir, 'migrations');
    const path = join(dir, 'upgrade.db');
    const v1 = openDatabase(path, { migrationsDir: migrations });
    v1.prepare("INSERT INTO experiments (id, name, kind, spec_json, created_at) VALUES ('e1', 'before', 'single', '{}', 't')").run();
    v1.close();

    writeMigrations(dir, 'migrations', { '0002_add_notes.sql': 'ALTER TABLE experiments ADD COLUMN notes TEXT;' });
    const v2 = openDatabase(path, { migrationsDir: migrations });
    expect(readSchemaVersion(v2)).toBe(2);
    expect(v2.prepare('SELECT name, notes FROM experiments').all()).toEqual([{ name: 'before', notes: null }]);
    v2.close();

    const backupPath = `${path}.backup-v1`;
    expect(existsSync(backupPath)).toBe(true);
    const backup = new Database(backupPath, { readonly: true });
    expect(readSchemaVersion(backup)).toBe(1);
    expect(backup.prepare('SELECT name FROM experiments').pluck().all()).toEqual(['before']);
    expect(() => backup.prepare('SELECT notes FROM experiments').all()).toThrow(/no such column/);
    backup.close();
  });

  it('reports what it applied', () => {
    const migrations = writeMigrations(dir, 'migrations', {
      '0001_a.sql': 'CREATE TABLE a (x INTEGER);',
      '0002_b.sql': 'CREATE TABLE b (y INTEGER);',
    });
    const db = new Database(':memory:');
    expect(migrate(db, { migrationsDir: migrations })).toEqual({
      fromVersion: 0,
      toVersion: 2,
      applied: ['0001_a.sql', '0002_b.sql'],
      backupPath: null,
    });
    db.close();
  });

  it('refuses a migration that leaves foreign-key violations', () => {
    const migrations = writeMigrations(dir, 'migrations', {
      '0001_fk.sql':
        'CREATE TABLE parent (id INTEGER PRIMARY KEY);\n' +
        'CREATE TABLE child (parent_id INTEGER REFERENCES parent (id));\n' +
        'INSERT INTO child VALUES (7);',
    });
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    expect(() => migrate(db, { migrationsDir: migrations })).toThrow(/0001_fk\.sql.*foreign-key/);
    expect(readSchemaVersion(db)).toBe(0);
    expect(tableNames(db)).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});

describe('findPackageRoot', () => {
  it('finds the package root from source and from built code', () => {
    const root = findPackageRoot();
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name).toBe('initscope');
    expect(findPackageRoot(pathToFileURL(join(root, 'dist', 'main', 'store', 'migrate.js')).href)).toBe(root);
    expect(defaultMigrationsDir()).toBe(join(root, 'migrations'));
  });
});

describe('listMigrationFiles', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = makeTempDir()));
  afterEach(() => cleanup());

  it('lists the real migrations in order, starting at 0001_initial.sql', () => {
    const files = listMigrationFiles(defaultMigrationsDir());
    expect(files[0]?.file).toBe('0001_initial.sql');
    expect(files.map((f) => f.version)).toEqual(files.map((_, i) => i + 1));
  });

  it('ignores non-SQL files', () => {
    const migrations = writeMigrations(dir, 'm', { '0001_a.sql': '', 'README.md': '' });
    expect(listMigrationFiles(migrations).map((f) => f.file)).toEqual(['0001_a.sql']);
  });

  it.each([
    [{ '0001_a.sql': '', '1_b.sql': '' }, /Bad migration file name .*1_b\.sql/],
    [{ '0001_a.sql': '', '0002 b.sql': '' }, /Bad migration file name/],
    [{ '0001_a.sql': '', '0001_b.sql': '' }, /Duplicate migration version 1/],
    [{ '0001_a.sql': '', '0003_c.sql': '' }, /Missing migration version 2/],
    [{ '0002_b.sql': '' }, /Missing migration version 1/],
    [{}, /No migrations/],
  ])('rejects a bad set of files %#', (files, message) => {
    expect(() => listMigrationFiles(writeMigrations(dir, 'm', files))).toThrow(message);
  });
});
