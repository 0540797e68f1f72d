import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { filterRuns, InitScopeError, parseRunFilter, type RunSummary } from '../../contract/index.js';
import { safeId } from '../export/paths.js';
import type { RunManagementStore } from '../store/index.js';
import type { RunService } from './run-service.js';

/** One page of a filtered run list (see 'runs/list'). */
export interface RunListQuery {
  filter?: string | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

function isSafeId(id: string): boolean {
  try {
    safeId(id);
    return true;
  } catch {
    return false;
  }
}

/** True when `path` lies inside `folder` (after resolving `..`); nothing outside the data folder is ever deleted. */
function isInside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Files (not folders) under `dir`, recursively; 0 for a missing folder. */
function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) n += entry.isDirectory() ? countFiles(join(dir, entry.name)) : 1;
  return n;
}

/**
 * Deletes a deleted run's files: the recorded ones no other run names (`paths`, each only inside
 * `dataDir`), its weights folder `<dataDir>/runs/<id>/` and its exports folder `<dataDir>/exports/<id>/`.
 * Returns how many files were removed. A file that cannot be removed is logged, not thrown: the
 * run's rows are already gone, and a leftover file harms nothing.
 */
export function removeRunFiles(dataDir: string, runId: string, paths: readonly string[]): number {
  let removed = 0;
  const remove = (path: string, folder: boolean) => {
    try {
      const n = folder ? countFiles(path) : existsSync(path) && statSync(path).isFile() ? 1 : 0;
      rmSync(path, { recursive: folder, force: true });
      removed += n;
    } catch (error) {
      console.error(`InitScope: could not delete ${path} of deleted run ${runId}:`, error);
    }
  };
  for (const path of paths) if (isInside(dataDir, path)) remove(path, false);
  // Folders are named by the id only when it is a safe path segment (ids the host makes always are).
  if (isSafeId(runId)) for (const folder of [join(dataDir, 'runs', runId), join(dataDir, 'exports', runId)]) remove(folder, true);
  return removed;
}

/**
 * Rename, tags, notes, deletion and filtered listing of runs ('runs/rename', 'runs/tag',
 * 'runs/setNotes', 'runs/delete', 'runs/list'), over the store's {@link RunManagementStore}.
 */
export class RunManagement {
  constructor(
    private readonly runs: RunService,
    private readonly store: RunManagementStore,
    /** The data folder the run's files live in. */
    private readonly dataDir: string,
  ) {}

  /** Stored runs newest first, filtered (contract/run-filter.ts) and paged. `invalid_input` for a bad filter. */
  list(query: RunListQuery = {}): RunSummary[] {
    const filter = parseRunFilter(query.filter ?? '');
    const matching = filterRuns(this.runs.list(), filter);
    const offset = query.offset ?? 0;
    return matching.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  }

  /** Sets or clears (null) the user's name of a run. */
  rename(runId: string, name: string | null): RunSummary {
    this.store.rename(runId, name);
    return this.runs.get(runId);
  }

  /** Adds and removes tags (see RunManagementStore.tag). */
  tag(runId: string, add: readonly string[], remove: readonly string[]): RunSummary {
    this.store.tag(runId, add, remove);
    return this.runs.get(runId);
  }

  /** Replaces a run's notes. */
  setNotes(runId: string, notes: string): RunSummary {
    this.store.setNotes(runId, notes);
    return this.runs.get(runId);
  }

  /** Deletes an ended run with its rows and files; `not_found` for an unknown run, `conflict` for a queued or running one. */
  delete(runId: string): { deleted: boolean; filesRemoved: number } {
    const deleted = this.store.deleteEndedRun(runId);
    if (!deleted) throw new InitScopeError('not_found', `No run with id ${runId}`);
    return { deleted: true, filesRemoved: removeRunFiles(this.dataDir, runId, deleted.orphanFiles) };
  }
}
