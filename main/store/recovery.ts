import type Database from 'better-sqlite3';
import { writeTransaction } from './busy.js';
import { currentProcessProbe, ownerIsGone, type LivenessProbe, type OwnerRow } from './owner-store.js';
import { RunStore } from './run-store.js';
import { toUtcIso } from './values.js';

/** What {@link recoverOrphans} should do with orphaned work. */
export interface RecoveryOptions {
  /** The recovering process's owner id: requeued single runs pass to it. */
  ownerId: string;
  /**
   * True (app shells): orphaned single runs go back to `queued` under `ownerId`, from scratch (their
   * curves deleted), for the caller to hand to its engine pool. False (CLI): they become `interrupted`.
   */
  requeueSingles: boolean;
  /** The `finished_at` of runs marked interrupted (ISO time). */
  finishedAt: string;
  /** Liveness of owners; defaults to this process (hostname, pid, clock, `kill(pid, 0)`). */
  probe?: LivenessProbe;
}

/** What {@link recoverOrphans} did. */
export interface RecoveryResult {
  /** Single runs put back to `queued` under the recovering owner, oldest first. */
  requeuedRunIds: string[];
  /** Runs (single or of a sweep) marked `interrupted`. */
  interruptedRunIds: string[];
  /** Sweeps marked `interrupted` (continue them with `sweep resume` or the app). */
  interruptedSweepIds: string[];
  /** Owner rows of gone processes that were deleted. */
  removedOwnerIds: string[];
}

interface UnfinishedRow {
  id: string;
  owner_id: string | null;
  kind: string;
}

/**
 * Start-up recovery for a store that several processes share. In one `BEGIN IMMEDIATE` transaction
 * it finds the owners that are gone (lease expired, or on this host with a dead pid: see
 * `ownerIsGone`), and treats as orphaned every `queued`/`running` run and `running` sweep whose owner
 * is gone, unregistered or NULL (databases from before migration 0005). Orphaned single runs are
 * requeued (see `requeueSingles`) or marked `interrupted`; orphaned sweeps and their unfinished runs are
 * marked `interrupted`; gone owners' rows are deleted. Work of a live owner is never touched.
 */
export function recoverOrphans(db: Database.Database, options: RecoveryOptions): RecoveryResult {
  const finishedAt = toUtcIso(options.finishedAt, 'finishedAt');
  const sweepsTable = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sweeps'").get() !== undefined;
  return writeTransaction(db, () => {
    const probe = options.probe ?? currentProcessProbe();
    const owners = db.prepare<[], OwnerRow>('SELECT id, pid, hostname, kind, started_at AS startedAt, lease_expires_at AS leaseExpiresAt FROM owners').all();
    const gone = owners.filter((owner) => owner.id !== options.ownerId && ownerIsGone(owner, probe)).map((owner) => owner.id);
    const live = new Set(owners.map((owner) => owner.id).filter((id) => !gone.includes(id)));
    const orphaned = (ownerId: string | null) => ownerId === null || !live.has(ownerId);

    const unfinished = db
      .prepare<[], UnfinishedRow>(
        `SELECT r.id, r.owner_id, e.kind FROM runs r JOIN experiments e ON e.id = r.experiment_id
       WHERE r.status IN ('queued', 'running') ORDER BY r.created_at, r.rowid`,
      )
      .all()
      .filter((row) => orphaned(row.owner_id));
    const requeuedRunIds = options.requeueSingles ? unfinished.filter((row) => row.kind === 'single').map((row) => row.id) : [];
    const interruptedRunIds = unfinished.map((row) => row.id).filter((id) => !requeuedRunIds.includes(id));

    const interrupt = db.prepare<[string, string]>(`UPDATE runs SET status = 'interrupted', finished_at = ? WHERE id = ? AND status IN ('queued', 'running')`);
    for (const id of interruptedRunIds) interrupt.run(finishedAt, id);
    new RunStore(db).resetForRequeue(requeuedRunIds);
    const claim = db.prepare<[string, string]>('UPDATE runs SET owner_id = ? WHERE id = ?');
    for (const id of requeuedRunIds) claim.run(options.ownerId, id);

    const interruptedSweepIds = sweepsTable
      ? db
          .prepare<[], { id: string; owner_id: string | null }>("SELECT id, owner_id FROM sweeps WHERE status = 'running' ORDER BY created_at")
          .all()
          .filter((row) => orphaned(row.owner_id))
          .map((row) => row.id)
      : [];
    const interruptSweep = db.prepare<[string]>("UPDATE sweeps SET status = 'interrupted' WHERE id = ?");
    for (const id of interruptedSweepIds) interruptSweep.run(id);

    const removeOwner = db.prepare<[string]>('DELETE FROM owners WHERE id = ?');
    for (const id of gone) removeOwner.run(id);
    return { requeuedRunIds, interruptedRunIds, interruptedSweepIds, removedOwnerIds: gone };
  })();
}
