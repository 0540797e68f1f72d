import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { newestBackup } from './backup.js';
import { DamagedDatabaseError } from './errors.js';

/** SQLite result codes that mean "the file is not a sound database". */
function isDamageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/**
 * Runs `PRAGMA quick_check` on an open connection (it reads every page and checks the b-trees' structure,
 * without the slower index-content comparison of `integrity_check`) and throws
 * {@link DamagedDatabaseError} — naming the file and its newest backup — when it finds a problem or
 * SQLite reports the file corrupt or not a database. It only reads.
 */
export function quickCheckOrThrow(db: Database.Database, path: string): void {
  let problems: string[];
  try {
    // One row per problem, though SQLite may pack several into one row, one per line.
    problems = (db.pragma('quick_check') as Array<{ quick_check: string }>)
      .flatMap((row) => row.quick_check.split('\n'))
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('***'));
  } catch (error) {
    if (isDamageError(error)) throw new DamagedDatabaseError(path, [(error as Error).message], newestBackup(path));
    throw error;
  }
  if (problems.length !== 1 || problems[0] !== 'ok') throw new DamagedDatabaseError(path, problems, newestBackup(path));
}

/**
 * Checks an existing database file before anyone writes to it, through a read-only connection (which
 * can neither migrate, nor roll back a journal, nor checkpoint the WAL into the file on close), so a
 * damaged file is refused byte-identical. Returns true when the check ran; false when it could not run
 * read-only (e.g. a hot rollback journal that needs a writer): the caller then runs
 * {@link quickCheckOrThrow} on its own connection before writing. A missing or empty file passes.
 */
export function checkDatabaseFile(path: string, busyTimeoutMs: number, driver: { nativeBinding?: string } = {}): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return true; // not there yet: SQLite creates it
  }
  if (size === 0) return true;
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs, ...driver });
    quickCheckOrThrow(db, path);
    return true;
  } catch (error) {
    if (error instanceof DamagedDatabaseError) throw error;
    if (isDamageError(error)) throw new DamagedDatabaseError(path, [(error as Error).message], newestBackup(path));
    return false;
  } finally {
    db?.close();
  }
}
