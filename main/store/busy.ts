import type Database from 'better-sqlite3';
import { InitScopeError } from '../../contract/index.js';

/**
 * Several processes share one database (the app, `serve`, CLI trains and sweeps). SQLite's busy
 * timeout makes a statement wait for another connection's lock, but in WAL mode it does not cover
 * every case: a transaction that read first and then writes after another connection committed gets
 * `SQLITE_BUSY_SNAPSHOT` at once (its snapshot is stale; only a restart helps), and a lock held longer
 * than the timeout gives `SQLITE_BUSY`. {@link retryBusy} restarts such an operation a bounded number
 * of times with exponential backoff, and {@link writeTransaction} takes the write lock up front
 * (`BEGIN IMMEDIATE`), so a snapshot can never go stale inside it.
 */

/** Retries after the first failure (so at most this + 1 attempts). */
const MAX_RETRIES = 6;
/** First backoff in ms; doubles per retry (with ±50 % jitter), capped at {@link MAX_BACKOFF_MS}. */
const FIRST_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 1000;

/** True for SQLite's "another connection holds the lock" errors (BUSY and its extended codes, LOCKED). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** The store could not get its lock after every retry. Code `conflict`; the SQLite error is the cause. */
export class DatabaseBusyError extends InitScopeError {
  constructor(path: string, attempts: number, cause: unknown) {
    super(
      'conflict',
      `Database ${path} stayed locked by another process through ${attempts} attempts (${(cause as Error).message}); nothing was written, try again`,
      { path, attempts },
    );
    this.name = 'DatabaseBusyError';
    this.cause = cause;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` milliseconds (like the busy timeout itself does). */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Backoff before retry `attempt` (0-based), in ms: 25, 50, 100, … ≤ 1000, each ×[0.5, 1.5). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt) * (0.5 + random());
}

/**
 * Runs `operation`, and if it fails with a busy error (see {@link isBusyError}) while no transaction is
 * open on `db`, runs it again after a backoff, up to {@link MAX_RETRIES} times; then throws
 * {@link DatabaseBusyError}. Inside an open transaction a busy error is rethrown at once: only the
 * outermost transaction can be restarted. `operation` must be safe to repeat (a failed attempt
 * has been rolled back by SQLite).
 */
export function retryBusy<T>(db: Database.Database, operation: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return operation();
    } catch (error) {
      if (!isBusyError(error) || db.inTransaction) throw error;
      if (attempt >= MAX_RETRIES) throw new DatabaseBusyError(db.name, attempt + 1, error);
      sleepSync(backoffMs(attempt));
    }
  }
}

/**
 * Wraps `body` as a write transaction: `BEGIN IMMEDIATE` (the write lock is taken before the first read,
 * waiting up to the busy timeout), committed on return, rolled back on throw, and restarted on a busy
 * error by {@link retryBusy}. Nested in another transaction it becomes a savepoint of it.
 */
export function writeTransaction<A extends unknown[], R>(db: Database.Database, body: (...args: A) => R): (...args: A) => R {
  const transaction = db.transaction(body);
  return (...args: A) => retryBusy(db, () => transaction.immediate(...args));
}
