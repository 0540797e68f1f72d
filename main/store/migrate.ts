import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { backupDatabase } from './backup.js';
import { retryBusy } from './busy.js';
import { FutureDatabaseError, MigrationError } from './errors.js';
import { listMigrationFiles, readMigrationSql, type MigrationFile } from './migration-files.js';
import { findPackageRoot } from '../package-root.js';

/** The default migrations folder: `<package root>/migrations`. */
export function defaultMigrationsDir(): string {
  return join(findPackageRoot(), 'migrations');
}

/** Where to find migrations; defaults to `<package root>/migrations`. */
export interface MigrateOptions {
  migrationsDir?: string;
}

/** What {@link migrate} did. */
export interface MigrationResult {
  /** `PRAGMA user_version` before (0 for a new database). */
  fromVersion: number;
  /** `PRAGMA user_version` after: the highest known migration. */
  toVersion: number;
  /** File names applied, in order; empty when the database was already current. */
  applied: string[];
  /** The copy made before upgrading a database that already held a schema, or null if none was needed. */
  backupPath: string | null;
}

/** The database's schema version (`PRAGMA user_version`; 0 for a new database). */
export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to the newest migration in `migrationsDir`.
 *
 * - A database whose version is above the newest migration throws {@link FutureDatabaseError} before
 *   anything is written.
 * - Before upgrading a file database that already has a schema, it is copied to `<db>.backup-v<old>`.
 * - All pending migrations run in ONE immediate transaction that also sets `PRAGMA user_version`; foreign
 *   keys are switched off meanwhile (so migrations may rebuild tables) and checked with
 *   `PRAGMA foreign_key_check` before commit. Any failure rolls everything back and throws
 *   {@link MigrationError} naming the file; the database stays at its old version.
 *
 * Several processes may open a new (or old) database at once: the version is read again inside the
 * immediate transaction, so the one that gets the write lock first migrates and the others (waiting
 * on the busy timeout, with retries) find it current and apply nothing, or only what is still missing.
 *
 * Migration files must not contain their own BEGIN/COMMIT.
 */
export function migrate(db: Database.Database, options: MigrateOptions = {}): MigrationResult {
  const migrations = listMigrationFiles(options.migrationsDir ?? defaultMigrationsDir());
  const latest = migrations.length; // versions run 1..N without gaps (checked by listMigrationFiles)
  const fromVersion = readSchemaVersion(db);
  if (fromVersion > latest) throw new FutureDatabaseError(db.name, fromVersion, latest);
  const pending = migrations.filter((migration) => migration.version > fromVersion);
  if (pending.length === 0) return { fromVersion, toVersion: fromVersion, applied: [], backupPath: null };

  // Read every file first: an unreadable one fails before anything is touched.
  const scripts = pending.map((migration) => ({ migration, sql: readMigrationSql(migration) }));
  // Version and schema read again, together (one read transaction): another process may have migrated
  // since fromVersion was read, and a database it brought up to date needs no backup from this one.
  const now = db.transaction(() => ({ version: readSchemaVersion(db), schema: hasSchema(db, readSchemaVersion(db)) }))();
  const backupPath = now.schema && now.version < latest && !db.memory ? backupDatabase(db, `${db.name}.backup-v${now.version}`) : null;

  const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
  if (foreignKeys) db.pragma('foreign_keys = OFF');
  let applied: string[];
  try {
    const transaction = db.transaction(() => applyAll(db, scripts, latest));
    applied = retryBusy(db, () => transaction.immediate());
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
  return { fromVersion, toVersion: latest, applied, backupPath };
}

/** Inside the write lock: applies the scripts the database still lacks; returns their file names. */
function applyAll(db: Database.Database, scripts: ReadonlyArray<{ migration: MigrationFile; sql: string }>, latest: number): string[] {
  const current = readSchemaVersion(db);
  if (current > latest) throw new FutureDatabaseError(db.name, current, latest);
  const missing = scripts.filter(({ migration }) => migration.version > current);
  for (const { migration, sql } of missing) {
    try {
      db.exec(sql);
    } catch (error) {
      throw new MigrationError(migration.path, current, error);
    }
    if (!db.inTransaction) {
      throw new MigrationError(migration.path, current, new Error('the file ends the migration transaction itself (remove its BEGIN/COMMIT)'));
    }
    const violations = db.pragma('foreign_key_check') as unknown[];
    if (violations.length > 0) {
      throw new MigrationError(migration.path, current, new Error(`it leaves ${violations.length} foreign-key violation(s)`));
    }
  }
  if (missing.length > 0) db.pragma(`user_version = ${latest}`);
  return missing.map(({ migration }) => migration.file);
}

/** True if the database already holds something worth backing up. */
function hasSchema(db: Database.Database, version: number): boolean {
  if (version > 0) return true;
  return (db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number) > 0;
}
