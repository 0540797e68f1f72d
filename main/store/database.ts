import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
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
 * The WAL switch comes after the version check, so a database from a newer InitScope is refused
 * (`FutureDatabaseError`) without a byte of the file changing. On any error the connection is closed.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database.Database {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path, {
    timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrationsDir === undefined ? {} : { migrationsDir: options.migrationsDir });
    db.pragma('journal_mode = WAL');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
