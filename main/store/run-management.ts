import type Database from 'better-sqlite3';
import { InitScopeError, MAX_RUN_TAGS } from '../../contract/index.js';
import { retryBusy, writeTransaction } from './busy.js';

/** What {@link RunManagementStore.deleteEndedRun} removed. */
export interface DeletedRun {
  /**
   * Files recorded for the run (artifacts) that no other run's records name: the caller deletes them
   * from disk after the commit. Files shared with other runs (a comparison report) stay.
   */
  orphanFiles: string[];
}

/**
 * The user's edits of stored runs (migration 0007): a name of their own, notes, tags, and deletion.
 * Every write is one short `BEGIN IMMEDIATE` transaction retried on a busy database (busy.ts), so it is
 * safe while other processes (the app, `serve`, CLI trains and sweeps) write to the same file.
 */
export class RunManagementStore {
  private readonly s;
  private readonly tagTransaction: (runId: string, add: readonly string[], remove: readonly string[]) => void;
  private readonly deleteTransaction: (runId: string) => DeletedRun | null;

  constructor(private readonly db: Database.Database) {
    this.s = {
      status: db.prepare<[string], string>('SELECT status FROM runs WHERE id = ?').pluck(),
      rename: db.prepare<[string | null, string]>('UPDATE runs SET custom_name = ? WHERE id = ?'),
      notes: db.prepare<[string, string]>('UPDATE runs SET notes = ? WHERE id = ?'),
      addTag: db.prepare<[string, string]>('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)'),
      removeTag: db.prepare<[string, string]>('DELETE FROM run_tags WHERE run_id = ? AND tag = ?'),
      tagCount: db.prepare<[string], number>('SELECT count(*) FROM run_tags WHERE run_id = ?').pluck(),
      experimentOf: db.prepare<[string], string>('SELECT experiment_id FROM runs WHERE id = ?').pluck(),
      // Paths recorded for this run and for no other run (a comparison report is recorded for each run it compares).
      orphanFiles: db
        .prepare<[string, string], string>(
          `SELECT DISTINCT a.path FROM artifacts a WHERE a.run_id = ?
             AND NOT EXISTS (SELECT 1 FROM artifacts b WHERE b.path = a.path AND (b.run_id IS NULL OR b.run_id <> ?))`,
        )
        .pluck(),
      deleteRun: db.prepare<[string]>('DELETE FROM runs WHERE id = ?'),
      deleteOrphanSingle: db.prepare<[string]>(
        `DELETE FROM experiments WHERE id = ? AND kind = 'single' AND NOT EXISTS (SELECT 1 FROM runs WHERE experiment_id = experiments.id)`,
      ),
    };
    this.tagTransaction = writeTransaction(db, (runId: string, add: readonly string[], remove: readonly string[]) => {
      this.requireRun(runId);
      for (const tag of add) this.s.addTag.run(runId, tag);
      for (const tag of remove) this.s.removeTag.run(runId, tag);
      const count = this.s.tagCount.get(runId) ?? 0;
      if (count > MAX_RUN_TAGS) throw new InitScopeError('invalid_input', `Run ${runId} would have ${count} tags; at most ${MAX_RUN_TAGS}`);
    });
    this.deleteTransaction = writeTransaction(db, (runId: string): DeletedRun | null => {
      const status = this.s.status.get(runId);
      if (status === undefined) return null;
      // Checked under the write lock: no other process can start this run between the check and the delete.
      if (status === 'queued' || status === 'running') {
        throw new InitScopeError('conflict', `Run ${runId} is ${status}: stop it before deleting it`, { runId, status });
      }
      const orphanFiles = this.s.orphanFiles.all(runId, runId);
      const experimentId = this.s.experimentOf.get(runId)!;
      // Metrics, layer statistics, tags, artifact records and its place in a sweep go with it (ON DELETE CASCADE).
      this.s.deleteRun.run(runId);
      this.s.deleteOrphanSingle.run(experimentId);
      return { orphanFiles };
    });
  }

  /** Sets the user's name of a run (null: back to the automatic name). Throws `not_found`. */
  rename(runId: string, name: string | null): void {
    if (retryBusy(this.db, () => this.s.rename.run(name, runId)).changes === 0) this.requireRun(runId);
  }

  /** Replaces a run's notes. Throws `not_found`. */
  setNotes(runId: string, notes: string): void {
    if (retryBusy(this.db, () => this.s.notes.run(notes, runId)).changes === 0) this.requireRun(runId);
  }

  /**
   * Adds then removes tags in one transaction (other tags are untouched, so two clients editing
   * different tags both keep theirs). Throws `not_found`, or `invalid_input` beyond MAX_RUN_TAGS tags
   * (nothing is written then).
   */
  tag(runId: string, add: readonly string[], remove: readonly string[]): void {
    this.tagTransaction(runId, add, remove);
  }

  /**
   * Deletes an ended run and every row that refers to it, in one transaction; null if there was no
   * such run. Refuses (`conflict`) a queued or running run: its worker, possibly in another process,
   * would go on writing for it. The caller removes {@link DeletedRun.orphanFiles} after the commit.
   */
  deleteEndedRun(runId: string): DeletedRun | null {
    return this.deleteTransaction(runId);
  }

  private requireRun(runId: string): void {
    if (this.s.status.get(runId) === undefined) throw new InitScopeError('not_found', `No run with id ${runId}`);
  }
}
