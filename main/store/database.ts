import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { retryBusy } from './busy.js';
import { checkDatabaseFile, quickCheckOrThrow } from './integrity.js';
import { migrate } from './migrate.js';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Folder of `NNNN_name.sql` files; defaults to `<package root>/migrations`. */
  migrationsDir?: string;
  /** How long a statement waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Path of a compiled better-sqlite3 driver (`better_sqlite3.node`) to load instead of the installed one (Electron's ABI). */
  nativeBinding?: string;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating it and its parent folder if needed) the SQLite database at `path` and applies pending
 * migrations (see `migrate`). The connection has foreign keys on, a busy timeout, and WAL journal mode
 * (in-memory databases report `memory`). `':memory:'` is allowed, for tests.
 *
 * Nothing is written before the file has passed `PRAGMA quick_check` (a damaged file is refused with
 * `DamagedDatabaseError`, offering the newest backup) and its version check (a database from a newer
 * InitScope is refused with `FutureDatabaseError`): either way the file stays byte-identical. Several
 * processes may open one file at once (see `migrate` and busy.ts). On any error the connection is closed.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  const inMemory = path === ':memory:' || path === '';
  const timeout = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const driver = options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
  const checked = inMemory || checkDatabaseFile(path, timeout, driver);
  const db = new Database(path, { timeout, ...driver });
  try {
    if (!checked) quickCheckOrThrow(db, path);
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrationsDir === undefined ? {} : { migrationsDir: options.migrationsDir });
    retryBusy(db, () => db.pragma('journal_mode = WAL'));
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
