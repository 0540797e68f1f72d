import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';

/**
 * Writes a consistent copy of the open database to `targetPath` with `VACUUM INTO` (synchronous, safe
 * with WAL: it reads one snapshot, so no checkpoint is needed). The copy is written to
 * `<targetPath>.tmp-<random>` (its own name, so two processes backing up at once never share it) and
 * renamed into place, so an older backup at `targetPath` is replaced only by a complete one. Returns
 * `targetPath`.
 */
export function backupDatabase(db: Database.Database, targetPath: string): string {
  const temporary = `${targetPath}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    db.prepare('VACUUM INTO ?').run(temporary);
    renameSync(temporary, targetPath);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`Could not back up ${db.name} to ${targetPath}: ${(error as Error).message}`, { cause: error });
  }
  return targetPath;
}

/**
 * The newest backup `migrate` made of the database at `dbPath` (`<db>.backup-v<N>` with the highest N,
 * in the same folder), or null when there is none. Half-written `.tmp` copies are ignored.
 */
export function newestBackup(dbPath: string): string | null {
  const prefix = `${basename(dbPath)}.backup-v`;
  let names: string[];
  try {
    names = readdirSync(dirname(dbPath));
  } catch {
    return null;
  }
  let best: { version: number; name: string } | null = null;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const suffix = name.slice(prefix.length);
    if (!/^\d{1,9}$/.test(suffix)) continue;
    const version = Number(suffix);
    if (best === null || version > best.version) best = { version, name };
  }
  return best === null ? null : join(dirname(dbPath), best.name);
}
