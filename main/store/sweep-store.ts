import type Database from 'better-sqlite3';
import {
  ExperimentSpec,
  InitScopeError,
  RunStatus,
  SweepAxisInfo,
  SweepCoords,
  SweepSpec,
  SweepStatus,
  type FinalMetrics,
  type SweepCounts,
} from '../../contract/index.js';
import { retryBusy, writeTransaction } from './busy.js';
import { prepareRunInserts } from './run-inserts.js';
import { toUtcIso } from './values.js';
import { metricsFromRow } from './run-rows.js';
import { RunStore } from './run-store.js';
import { parseStoredSpec } from './stored-spec.js';

/** One run of a new sweep, as {@link SweepStore.createSweep} stores it. */
export interface NewSweepRun {
  runId: string;
  position: number;
  seedIndex: number;
  coords: SweepCoords;
  /** The run's full experiment (axis values applied). */
  experiment: ExperimentSpec;
}

/** What {@link SweepStore.createSweep} records. */
export interface CreateSweepInput {
  id: string;
  spec: SweepSpec;
  axes: SweepAxisInfo[];
  createdAt: string;
  appVersion: string;
  runs: NewSweepRun[];
  /** The process that runs the sweep and its runs (`owners.id`); null or omitted: no owner. */
  ownerId?: string | null;
}

/** Who takes a sweep over in {@link SweepStore.requeue}, and how to tell whether its current owner lives. */
export interface SweepClaim {
  ownerId: string;
  /** A description of the owner (e.g. `cli process 4242 on host lab1`) when it is a live process, else null. */
  describeLive(ownerId: string): string | null;
}

/** A stored sweep (without its runs). */
export interface StoredSweep {
  id: string;
  name: string;
  status: SweepStatus;
  /** The process running it (`owners.id`), or null. */
  ownerId: string | null;
  spec: SweepSpec;
  axes: SweepAxisInfo[];
  totalRuns: number;
  createdAt: string;
  finishedAt: string | null;
}

/** A run of a sweep with its place in the grid and its latest state. */
export interface StoredSweepRun {
  runId: string;
  position: number;
  seedIndex: number;
  seed: number;
  coords: SweepCoords;
  status: RunStatus;
  epochsDone: number;
  metrics: FinalMetrics;
  divergedAtStep: number | null;
  error: string | null;
  /** The machine that trains (or trained) the run, for a sweep run through a job queue (migration 0007), else null. */
  worker?: string | null;
}

/** A run handed back to the engine by {@link SweepStore.requeue}. */
export interface RequeuedRun {
  runId: string;
  experiment: ExperimentSpec;
}

interface SweepRow {
  id: string;
  owner_id: string | null;
  name: string;
  status: string;
  spec_json: string;
  axes_json: string;
  total_runs: number;
  created_at: string;
  finished_at: string | null;
}

interface SweepRunRow {
  run_id: string;
  position: number;
  seed_index: number;
  seed: number;
  coords_json: string;
  status: string;
  epochs_done: number;
  train_loss: number | null;
  train_acc: number | null;
  val_loss: number | null;
  val_acc: number | null;
  test_loss: number | null;
  test_acc: number | null;
  diverged_at_step: number | null;
  error: string | null;
  worker_host: string | null;
}

const SWEEP_COLUMNS = 's.id, s.owner_id, e.name, s.status, e.spec_json, s.axes_json, s.total_runs, s.created_at, s.finished_at';
const SWEEP_FROM = 'sweeps s JOIN experiments e ON e.id = s.id';
/** Run statuses {@link SweepStore.requeue} sends back to the queue (the run had not ended on its own). */
const REQUEUABLE = "('queued', 'interrupted', 'cancelled')";

/**
 * Sweeps in SQLite (migration 0004): a `sweeps` row per sweep (sharing its id with an `experiments`
 * row of kind 'sweep') and a `sweep_runs` row per run giving its position and grid coordinates. The
 * runs themselves are ordinary `runs` rows (experiment_id = sweep id), so RunStore keeps writing their
 * status and metrics. Several processes may write at once (write transactions are `BEGIN IMMEDIATE`
 * with busy retries); a sweep and its runs record the process that runs them (`owner_id`).
 */
export class SweepStore {
  private prepared: ReturnType<typeof prepareStatements> | null = null;

  constructor(private readonly db: Database.Database) {}

  /** True when the database has the sweep tables (migration 0004 applied). */
  isAvailable(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sweeps'").get() !== undefined;
  }

  /** Statements are prepared on first use, so opening a host never fails on the sweep tables. */
  private get statements(): ReturnType<typeof prepareStatements> {
    if (!this.prepared) {
      if (!this.isAvailable()) throw new InitScopeError('internal', `The database ${this.db.name} has no sweeps table (migration 0003_sweeps not applied)`);
      this.prepared = prepareStatements(this.db);
    }
    return this.prepared;
  }

  /**
   * Records a sweep and all its runs (status `queued`) in one transaction. Throws `invalid_input` for a
   * bad time, `conflict` if the sweep id or a run id is taken (nothing is written then).
   */
  createSweep(input: CreateSweepInput): StoredSweep {
    const createdAt = toUtcIso(input.createdAt, 'createdAt');
    if (input.runs.length === 0) throw new InitScopeError('invalid_input', `Sweep ${input.id} has no runs`);
    try {
      writeTransaction(this.db, () => {
        const { inserts } = this.statements;
        inserts.experiment({ id: input.id, name: input.spec.name, kind: 'sweep', spec: input.spec, createdAt });
        const ownerId = input.ownerId ?? null;
        this.statements.insertSweep.run({ id: input.id, total: input.runs.length, axesJson: JSON.stringify(input.axes), createdAt, ownerId });
        for (const run of input.runs) {
          inserts.queuedRun({
            id: run.runId,
            experimentId: input.id,
            name: run.experiment.name,
            experiment: run.experiment,
            appVersion: input.appVersion,
            createdAt,
            ownerId,
          });
          this.statements.insertSweepRun.run({
            sweepId: input.id,
            position: run.position,
            runId: run.runId,
            seedIndex: run.seedIndex,
            coordsJson: JSON.stringify(run.coords),
          });
        }
      })();
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new InitScopeError('conflict', `Cannot store sweep ${input.id}: ${(error as Error).message}`);
      }
      throw error;
    }
    return this.require(input.id);
  }

  /** The sweep with this id, or undefined. */
  getSweep(id: string): StoredSweep | undefined {
    const row = this.statements.get.get(id);
    return row ? sweepFromRow(row) : undefined;
  }

  /** Every sweep, newest first. */
  listSweeps(): StoredSweep[] {
    return this.statements.list.all().map(sweepFromRow);
  }

  /** Ids of the sweeps in `status`, oldest first. */
  sweepIdsWithStatus(status: SweepStatus): string[] {
    return this.statements.withStatus.all(status);
  }

  /** Sets a sweep's status; `finishedAt` (ISO time) for an ended sweep, null while it runs. */
  setStatus(id: string, status: SweepStatus, finishedAt: string | null): void {
    const params = { id, status, finishedAt: finishedAt === null ? null : toUtcIso(finishedAt, 'finishedAt') };
    if (retryBusy(this.db, () => this.statements.setStatus.run(params)).changes === 0) throw new InitScopeError('not_found', `No sweep with id ${id}`);
  }

  /** How many of the sweep's runs are in each status (every status present, zeros included). */
  counts(sweepId: string): SweepCounts {
    const counts = Object.fromEntries(RunStatus.options.map((s) => [s, 0])) as SweepCounts;
    for (const { status, n } of this.statements.counts.all(sweepId)) counts[RunStatus.parse(status)] = n;
    return counts;
  }

  /** The sweep's runs in position order, with their latest status and metrics. */
  listRuns(sweepId: string): StoredSweepRun[] {
    return this.statements.runs.all(sweepId).map((row) => ({
      runId: row.run_id,
      position: row.position,
      seedIndex: row.seed_index,
      seed: row.seed,
      coords: SweepCoords.parse(JSON.parse(row.coords_json)),
      status: RunStatus.parse(row.status),
      epochsDone: row.epochs_done,
      metrics: metricsFromRow(row),
      divergedAtStep: row.diverged_at_step,
      error: row.error,
      worker: row.worker_host,
    }));
  }

  /** Ids of the sweep's runs currently in `status`, in position order. */
  runIdsWithStatus(sweepId: string, status: RunStatus): string[] {
    return this.statements.runIdsWithStatus.all(sweepId, status);
  }

  /** The sweep a run belongs to, or undefined for a single run. */
  sweepOfRun(runId: string): string | undefined {
    return this.statements.sweepOfRun.get(runId);
  }

  /**
   * Per run of the sweep, the first epoch (from 1) whose validation accuracy (training accuracy when
   * there is no validation split) is ≥ `target`. Runs that never reached it are absent.
   */
  firstEpochReaching(sweepId: string, target: number): Map<string, number> {
    return new Map(this.statements.firstEpochReaching.all(sweepId, target).map((r) => [r.run_id, r.epoch]));
  }

  /**
   * Puts the sweep back to `running` and every run of it that had not ended on its own (`queued`,
   * `interrupted`, `cancelled`) back to `queued`, in one transaction. A requeued run restarts from
   * scratch (same seed, so the same numbers): its metric rows and any other rows referring to it (e.g.
   * per-layer statistics) are deleted, so the finished sweep has neither duplicated nor partial curves.
   * Completed, diverged and failed runs are untouched. Returns the requeued runs in position order.
   *
   * With `claim`, the sweep and its requeued runs pass to `claim.ownerId`; a sweep still `running` under
   * another live owner is refused (`conflict`, naming that process), so two processes never run one
   * sweep. The check and the takeover are one `BEGIN IMMEDIATE` transaction.
   */
  requeue(sweepId: string, claim?: SweepClaim): RequeuedRun[] {
    return writeTransaction(this.db, () => {
      const sweep = this.require(sweepId);
      const owner = sweep.ownerId;
      const liveOwner = claim && sweep.status === 'running' && owner !== null && owner !== claim.ownerId ? claim.describeLive(owner) : null;
      if (liveOwner !== null) {
        throw new InitScopeError(
          'conflict',
          `Sweep ${sweepId} is being run by another InitScope process (${liveOwner}); wait for it to end or cancel it there`,
          { ownerId: owner },
        );
      }
      const rows = this.statements.requeuable.all(sweepId);
      new RunStore(this.db).resetForRequeue(
        rows.map((row) => row.run_id),
        ['sweep_runs'],
      );
      this.statements.setStatus.run({ id: sweepId, status: 'running', finishedAt: null });
      if (claim) {
        this.statements.setOwner.run(claim.ownerId, sweepId);
        for (const row of rows) this.statements.setRunOwner.run(claim.ownerId, row.run_id);
      }
      return rows.map((row) => ({ runId: row.run_id, experiment: parseStoredSpec(ExperimentSpec, row.experiment_json, `Run ${row.run_id}`) }));
    })();
  }

  private require(id: string): StoredSweep {
    const sweep = this.getSweep(id);
    if (!sweep) throw new InitScopeError('not_found', `No sweep with id ${id}`);
    return sweep;
  }
}

function sweepFromRow(row: SweepRow): StoredSweep {
  return {
    id: row.id,
    name: row.name,
    status: SweepStatus.parse(row.status),
    ownerId: row.owner_id,
    spec: parseStoredSpec(SweepSpec, row.spec_json, `Sweep ${row.id}`),
    axes: SweepAxisInfo.array().parse(JSON.parse(row.axes_json)),
    totalRuns: row.total_runs,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/** Every statement SweepStore uses. */
function prepareStatements(db: Database.Database) {
  return {
    inserts: prepareRunInserts(db),
    insertSweep: db.prepare(
      `INSERT INTO sweeps (id, status, total_runs, axes_json, created_at, owner_id) VALUES (@id, 'running', @total, @axesJson, @createdAt, @ownerId)`,
    ),
    insertSweepRun: db.prepare(
      `INSERT INTO sweep_runs (sweep_id, position, run_id, seed_index, coords_json)
       VALUES (@sweepId, @position, @runId, @seedIndex, @coordsJson)`,
    ),
    get: db.prepare<[string], SweepRow>(`SELECT ${SWEEP_COLUMNS} FROM ${SWEEP_FROM} WHERE s.id = ?`),
    list: db.prepare<[], SweepRow>(`SELECT ${SWEEP_COLUMNS} FROM ${SWEEP_FROM} ORDER BY s.created_at DESC, s.id DESC`),
    withStatus: db.prepare<[string], string>('SELECT id FROM sweeps WHERE status = ? ORDER BY created_at').pluck(),
    setStatus: db.prepare('UPDATE sweeps SET status = @status, finished_at = @finishedAt WHERE id = @id'),
    setOwner: db.prepare<[string, string]>('UPDATE sweeps SET owner_id = ? WHERE id = ?'),
    setRunOwner: db.prepare<[string, string]>('UPDATE runs SET owner_id = ? WHERE id = ?'),
    counts: db.prepare<[string], { status: string; n: number }>(
      'SELECT r.status AS status, count(*) AS n FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id WHERE sr.sweep_id = ? GROUP BY r.status',
    ),
    runs: db.prepare<[string], SweepRunRow>(
      `SELECT sr.run_id, sr.position, sr.seed_index, r.seed, sr.coords_json, r.status, r.epochs_done,
         r.train_loss, r.train_acc, r.val_loss, r.val_acc, r.test_loss, r.test_acc, r.diverged_at_step, r.error, r.worker_host
       FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id WHERE sr.sweep_id = ? ORDER BY sr.position`,
    ),
    runIdsWithStatus: db
      .prepare<[string, string], string>(
        'SELECT sr.run_id FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id WHERE sr.sweep_id = ? AND r.status = ? ORDER BY sr.position',
      )
      .pluck(),
    requeuable: db.prepare<[string], { run_id: string; experiment_json: string }>(
      `SELECT sr.run_id, r.experiment_json FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id
       WHERE sr.sweep_id = ? AND r.status IN ${REQUEUABLE} ORDER BY sr.position`,
    ),
    sweepOfRun: db.prepare<[string], string>('SELECT sweep_id FROM sweep_runs WHERE run_id = ?').pluck(),
    firstEpochReaching: db.prepare<[string, number], { run_id: string; epoch: number }>(
      `SELECT m.run_id, min(m.epoch) AS epoch FROM sweep_runs sr JOIN metrics m ON m.run_id = sr.run_id
       WHERE sr.sweep_id = ? AND coalesce(m.val_acc, m.train_acc) >= ? GROUP BY m.run_id`,
    ),
  };
}
