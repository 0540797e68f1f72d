import { renameSync, rmSync } from 'node:fs';
import type Database from 'better-sqlite3';

/**
 * Writes a consistent copy of the open database to `targetPath` with `VACUUM INTO` (synchronous, safe
 * with WAL: it reads one snapshot, so no checkpoint is needed). The copy is written to
 * `<targetPath>.tmp` and renamed into place, so an older backup at `targetPath` is replaced only by a
 * complete one. Returns `targetPath`.
 */
export function backupDatabase(db: Database.Database, targetPath: string): string {
  const temporary = `${targetPath}.tmp`;
  rmSync(temporary, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(temporary);
    renameSync(temporary, targetPath);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`Could not back up ${db.name} to ${targetPath}: ${(error as Error).message}`, { cause: error });
  }
  return targetPath;
}
