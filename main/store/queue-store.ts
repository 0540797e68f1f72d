import type Database from 'better-sqlite3';
import { ExperimentSpec, InitScopeError, RunStatus } from '../../contract/index.js';
import { retryBusy, writeTransaction } from './busy.js';
import { RunStore } from './run-store.js';
import { parseStoredSpec } from './stored-spec.js';
import type { SweepClaim } from './sweep-store.js';

/** What the queue coordinator needs to know of a run to filter the events workers send (migration 0007). */
export interface QueueRunState {
  status: RunStatus;
  /** The delivery whose events the store holds (null: none started here yet). */
  delivery: string | null;
  /** The queue job id: `<sweep id>-<position>` for a sweep's run, else the run id. */
  jobId: string;
}

/** A sweep's queue facts as shown to clients (see SweepInfo.queue). */
export interface QueueSweepRow {
  label: string;
  workersConnected: number;
  updatedAt: string;
  cancelRequested: boolean;
}

/** A run a resumed queue sweep hands back to the queue: `kept` runs keep their stored curve and delivery. */
export interface ReclaimedRun {
  runId: string;
  experiment: ExperimentSpec;
  kept: boolean;
}

/**
 * The store side of distributed sweeps (main/queue/): which delivery of each run the store holds, the
 * machine that trains it, and per queued sweep its queue label, connected workers and a cancel asked
 * by another process. Only the coordinator writes runs' deliveries; every write is `BEGIN IMMEDIATE`
 * with busy retries like the rest of the store.
 */
export class QueueStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      state: db.prepare<[string], { status: string; queue_delivery: string | null; sweep_id: string | null; position: number | null }>(
        `SELECT r.status, r.queue_delivery, sr.sweep_id, sr.position FROM runs r LEFT JOIN sweep_runs sr ON sr.run_id = r.id WHERE r.id = ?`,
      ),
      setDelivery: db.prepare<{ id: string; delivery: string | null; host: string | null }>(
        'UPDATE runs SET queue_delivery = @delivery, worker_host = @host WHERE id = @id',
      ),
      sweepRuns: db.prepare<[string], { run_id: string; status: string; queue_delivery: string | null; started_at: string | null; experiment_json: string }>(
        `SELECT sr.run_id, r.status, r.queue_delivery, r.started_at, r.experiment_json FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id
         WHERE sr.sweep_id = ? ORDER BY sr.position`,
      ),
      keep: db.prepare<[string]>("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?"),
      upsertSweep: db.prepare<{ id: string; label: string; at: string }>(
        `INSERT INTO queue_sweeps (sweep_id, queue_label, updated_at) VALUES (@id, @label, @at)
         ON CONFLICT (sweep_id) DO UPDATE SET queue_label = excluded.queue_label, updated_at = excluded.updated_at, cancel_requested = 0`,
      ),
      workers: db.prepare<{ id: string; n: number; at: string }>('UPDATE queue_sweeps SET workers_connected = @n, updated_at = @at WHERE sweep_id = @id'),
      getSweep: db.prepare<[string], { queue_label: string; workers_connected: number; updated_at: string; cancel_requested: number }>(
        'SELECT queue_label, workers_connected, updated_at, cancel_requested FROM queue_sweeps WHERE sweep_id = ?',
      ),
      requestCancel: db.prepare<[string]>('UPDATE queue_sweeps SET cancel_requested = 1 WHERE sweep_id = ?'),
      clearCancel: db.prepare<[string]>('UPDATE queue_sweeps SET cancel_requested = 0 WHERE sweep_id = ?'),
      setSweep: db.prepare<[string, string]>("UPDATE sweeps SET status = 'running', finished_at = NULL, owner_id = ? WHERE id = ?"),
      setRunOwner: db.prepare<[string, string]>('UPDATE runs SET owner_id = ? WHERE id = ?'),
    };
  }

  /** A run's status, stored delivery and job id; undefined for an unknown run. */
  runState(runId: string): QueueRunState | undefined {
    const row = this.statements.state.get(runId);
    if (!row) return undefined;
    return {
      status: RunStatus.parse(row.status),
      delivery: row.queue_delivery,
      jobId: row.sweep_id === null ? runId : `${row.sweep_id}-${row.position}`,
    };
  }

  /**
   * A new delivery of a run started on a worker: the run restarts from scratch (its curve, layer
   * statistics and final numbers deleted, status `queued`, ready for its 'started' event), and the store
   * now holds this delivery's events only. Does nothing to a run that has already ended.
   */
  beginDelivery(runId: string, delivery: string, host: string | null): void {
    const state = this.runState(runId);
    if (!state || (state.status !== 'queued' && state.status !== 'running')) return;
    new RunStore(this.db).resetForRequeue([runId], ['sweep_runs', 'queue_sweeps']);
    retryBusy(this.db, () => this.statements.setDelivery.run({ id: runId, delivery, host }));
  }

  /**
   * Takes a queue sweep over after its coordinator stopped (see SweepStore.requeue for the refusal of
   * a sweep another live process runs): every run that has not ended by itself comes back. A run whose
   * delivery had started here keeps its curve and becomes `running` again (its worker may still be
   * training it: the rest of its events follow through the queue); the others (never started,
   * cancelled, interrupted before starting) restart from scratch with no delivery.
   */
  reclaim(sweepId: string, claim: SweepClaim): ReclaimedRun[] {
    return writeTransaction(this.db, () => {
      const sweep = this.db.prepare<[string], { status: string; owner_id: string | null }>('SELECT status, owner_id FROM sweeps WHERE id = ?').get(sweepId);
      if (!sweep) throw new InitScopeError('not_found', `No sweep with id ${sweepId}`);
      const live = sweep.status === 'running' && sweep.owner_id !== null && sweep.owner_id !== claim.ownerId ? claim.describeLive(sweep.owner_id) : null;
      if (live !== null) {
        throw new InitScopeError('conflict', `Sweep ${sweepId} is being run by another InitScope process (${live}); wait for it to end or cancel it there`);
      }
      const runs: ReclaimedRun[] = [];
      const reset: string[] = [];
      for (const row of this.statements.sweepRuns.all(sweepId)) {
        const open = row.status === 'queued' || row.status === 'running' || row.status === 'interrupted';
        if (!open && row.status !== 'cancelled') continue;
        const kept = open && row.queue_delivery !== null && row.started_at !== null;
        if (kept) this.statements.keep.run(row.run_id);
        else reset.push(row.run_id);
        this.statements.setRunOwner.run(claim.ownerId, row.run_id);
        runs.push({ runId: row.run_id, experiment: parseStoredSpec(ExperimentSpec, row.experiment_json, `Run ${row.run_id}`), kept });
      }
      new RunStore(this.db).resetForRequeue(reset, ['sweep_runs', 'queue_sweeps']);
      for (const id of reset) this.statements.setDelivery.run({ id, delivery: null, host: null });
      this.statements.setSweep.run(claim.ownerId, sweepId);
      return runs;
    })();
  }

  /** Records that a sweep runs through the queue `label` (a cancel asked earlier is cleared). */
  markQueued(sweepId: string, label: string, at: string): void {
    retryBusy(this.db, () => this.statements.upsertSweep.run({ id: sweepId, label, at }));
  }

  /** Records how many workers the coordinator saw connected. */
  setWorkersConnected(sweepId: string, workers: number, at: string): void {
    retryBusy(this.db, () => this.statements.workers.run({ id: sweepId, n: workers, at }));
  }

  /** A sweep's queue facts, or null for a sweep not run through a queue. */
  sweep(sweepId: string): QueueSweepRow | null {
    const row = this.statements.getSweep.get(sweepId);
    if (!row) return null;
    return { label: row.queue_label, workersConnected: row.workers_connected, updatedAt: row.updated_at, cancelRequested: row.cancel_requested === 1 };
  }

  /** Asks the coordinator of a queue sweep to cancel it (it polls); false for a sweep not run through a queue. */
  requestCancel(sweepId: string): boolean {
    return retryBusy(this.db, () => this.statements.requestCancel.run(sweepId)).changes > 0;
  }

  /** Clears a cancel request once the coordinator has carried it out. */
  clearCancel(sweepId: string): void {
    retryBusy(this.db, () => this.statements.clearCancel.run(sweepId));
  }
}
