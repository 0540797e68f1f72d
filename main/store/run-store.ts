import type Database from 'better-sqlite3';
import { ExperimentSpec, InitScopeError, parseOrThrow, type FinalMetrics, type MetricPoint, type RunStatus, type RunSummary } from '../../contract/index.js';
import { retryBusy, writeTransaction } from './busy.js';
import { prepareRunInserts } from './run-inserts.js';
import { downsampleEvenly } from './downsample.js';
import { METRIC_COLUMNS, RUN_COLUMNS, metricFromRow, runFromRow, type MetricRow, type RunRow } from './run-rows.js';
import { finiteOrNull, toUtcIso } from './values.js';

/** What {@link RunStore.createRun} needs. Times are ISO-8601 strings. */
export interface CreateRunInput {
  id: string;
  /**
   * Stored in `runs.name` for readers of the file; summaries show the user's name ('runs/rename') or
   * the automatic one computed from the experiment (contract/run-name.ts), so runs stored before
   * automatic names get one too.
   */
  name: string;
  experiment: ExperimentSpec;
  createdAt: string;
  /** The InitScope version that created the run. */
  appVersion: string;
  /** The process that will run it (`owners.id`, migration 0005); null or omitted: no owner. */
  ownerId?: string | null;
  /** A name shown instead of the automatic one (as if set by 'runs/rename'); 1–200 characters. */
  customName?: string | null;
}

/** What {@link RunStore.markStarted} records: the backend the engine really got. */
export interface StartRunInput {
  backend: string;
  tfjsVersion: string;
  startedAt: string;
}

/** The statuses a run can end in. */
export type FinishedStatus = Extract<RunStatus, 'completed' | 'cancelled' | 'failed' | 'diverged' | 'interrupted'>;

/** What {@link RunStore.finishRun} records. Omitted `metrics`/`epochsDone` keep the latest values. */
export interface FinishRunInput {
  status: FinishedStatus;
  finishedAt: string;
  metrics?: FinalMetrics;
  epochsDone?: number;
  error?: string | null;
  divergedAtStep?: number | null;
  divergedLayer?: string | null;
}

const UNFINISHED = "('queued', 'running')";

/**
 * Runs and their metric curves in SQLite, through prepared statements. Several processes may write at
 * once: write transactions take the lock up front (`BEGIN IMMEDIATE`) and busy errors are retried
 * (see busy.ts). Each run records its owner process (`owner_id`, see owner-store.ts).
 * Stored times are normalised to UTC ISO-8601 (`toISOString()`); non-finite metric values are stored as null.
 * `MetricPoint.epoch` counts completed epochs (0 = before training), so `epochsDone` is the largest epoch seen.
 */
export class RunStore {
  private readonly statements;
  private readonly appendTransaction: (runId: string, points: readonly MetricPoint[]) => void;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      exists: db.prepare<[string], number>('SELECT 1 FROM runs WHERE id = ?').pluck(),
      status: db.prepare<[string], string>('SELECT status FROM runs WHERE id = ?').pluck(),
      get: db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
      list: db.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY created_at DESC, rowid DESC`),
      inserts: prepareRunInserts(db),
      start: db.prepare(
        `UPDATE runs SET status = 'running', backend = @backend, tfjs_version = @tfjsVersion, started_at = @startedAt
         WHERE id = @id AND status = 'queued'`,
      ),
      upsertMetric: db.prepare(
        `INSERT INTO metrics (run_id, epoch, step, train_loss, train_acc, val_loss, val_acc, elapsed_ms)
         VALUES (@runId, @epoch, @step, @trainLoss, @trainAcc, @valLoss, @valAcc, @elapsedMs)
         ON CONFLICT (run_id, step) DO UPDATE SET epoch = excluded.epoch, train_loss = excluded.train_loss,
           train_acc = excluded.train_acc, val_loss = excluded.val_loss, val_acc = excluded.val_acc,
           elapsed_ms = excluded.elapsed_ms`,
      ),
      updateLatest: db.prepare(
        `UPDATE runs SET epochs_done = max(epochs_done, @maxEpoch),
           (train_loss, train_acc, val_loss, val_acc) =
             (SELECT train_loss, train_acc, val_loss, val_acc FROM metrics WHERE run_id = @id ORDER BY step DESC LIMIT 1)
         WHERE id = @id`,
      ),
      finish: db.prepare(
        `UPDATE runs SET status = @status, finished_at = @finishedAt,
           epochs_done = coalesce(@epochsDone, epochs_done),
           train_loss = CASE WHEN @hasMetrics THEN @trainLoss ELSE train_loss END,
           train_acc = CASE WHEN @hasMetrics THEN @trainAcc ELSE train_acc END,
           val_loss = CASE WHEN @hasMetrics THEN @valLoss ELSE val_loss END,
           val_acc = CASE WHEN @hasMetrics THEN @valAcc ELSE val_acc END,
           test_loss = CASE WHEN @hasMetrics THEN @testLoss ELSE test_loss END,
           test_acc = CASE WHEN @hasMetrics THEN @testAcc ELSE test_acc END,
           error = @error, diverged_at_step = @divergedAtStep, diverged_layer = @divergedLayer
         WHERE id = @id AND status IN ${UNFINISHED}`,
      ),
      resetRun: db.prepare(
        `UPDATE runs SET status = 'queued', backend = NULL, tfjs_version = NULL, started_at = NULL, finished_at = NULL,
           epochs_done = 0, train_loss = NULL, train_acc = NULL, val_loss = NULL, val_acc = NULL, test_loss = NULL, test_acc = NULL, error = NULL,
           diverged_at_step = NULL, diverged_layer = NULL
         WHERE id = ?`,
      ),
      metrics: db.prepare<[string], MetricRow>(`SELECT ${METRIC_COLUMNS} FROM metrics WHERE run_id = ? ORDER BY step`),
      deleteRun: db.prepare('DELETE FROM runs WHERE id = ?'),
      deleteOrphanSingle: db.prepare(
        `DELETE FROM experiments WHERE id = ? AND kind = 'single' AND NOT EXISTS (SELECT 1 FROM runs WHERE experiment_id = experiments.id)`,
      ),
      experimentOf: db.prepare<[string], string>('SELECT experiment_id FROM runs WHERE id = ?').pluck(),
      customName: db.prepare<[string, string]>('UPDATE runs SET custom_name = ? WHERE id = ?'),
    };
    this.appendTransaction = writeTransaction(db, (runId: string, points: readonly MetricPoint[]) => {
      this.requireRun(runId);
      let maxEpoch = 0;
      for (const point of points) {
        this.statements.upsertMetric.run(metricParams(runId, point));
        maxEpoch = Math.max(maxEpoch, point.epoch);
      }
      this.statements.updateLatest.run({ id: runId, maxEpoch });
    });
  }

  /**
   * Records a new run in status `queued`, with a frozen copy of its experiment (parsed with the contract's
   * `ExperimentSpec`, defaults filled in) and an `experiments` row of kind `single` sharing its id.
   * Throws `invalid_input` for a bad spec or time, `conflict` if the id is taken.
   */
  createRun(input: CreateRunInput): RunSummary {
    if (!input.id) throw new InitScopeError('invalid_input', 'A run needs a non-empty id');
    const experiment = parseOrThrow(ExperimentSpec, input.experiment, 'experiment');
    const createdAt = toUtcIso(input.createdAt, 'createdAt');
    writeTransaction(this.db, () => {
      if (this.statements.exists.get(input.id) !== undefined) throw new InitScopeError('conflict', `Run ${input.id} already exists`);
      const { inserts } = this.statements;
      inserts.experiment({ id: input.id, name: experiment.name, kind: 'single', spec: experiment, createdAt });
      inserts.queuedRun({
        id: input.id,
        experimentId: input.id,
        name: input.name,
        experiment,
        appVersion: input.appVersion,
        createdAt,
        ownerId: input.ownerId ?? null,
      });
      if (input.customName) this.statements.customName.run(input.customName, input.id);
    })();
    return this.requireRun(input.id);
  }

  /**
   * Moves a `queued` run to `running`, recording the backend and TensorFlow.js version it really got.
   * Throws `not_found`, or `conflict` if the run is not queued.
   */
  markStarted(runId: string, input: StartRunInput): RunSummary {
    const params = { id: runId, backend: input.backend, tfjsVersion: input.tfjsVersion, startedAt: toUtcIso(input.startedAt, 'startedAt') };
    if (retryBusy(this.db, () => this.statements.start.run(params)).changes === 0) this.throwWrongStatus(runId, 'start', 'queued');
    return this.requireRun(runId);
  }

  /**
   * Writes curve points in one transaction. Idempotent on (run, step): a replayed point replaces the stored
   * one. Also updates the run's `epochsDone` (largest epoch seen) and latest metrics (those of the highest
   * stored step). Throws `not_found` for an unknown run, `invalid_input` for a malformed point.
   */
  appendMetrics(runId: string, points: readonly MetricPoint[]): void {
    points.forEach(checkPoint);
    if (points.length > 0) this.appendTransaction(runId, points);
  }

  /**
   * Ends a `queued` or `running` run with a final status. Given `metrics` replace the latest ones (test
   * metrics too: absent ones become null);
   * `error`, `divergedAtStep` and `divergedLayer` are recorded as given (null when omitted).
   * Throws `not_found`, or `conflict` if the run has already finished.
   */
  finishRun(runId: string, input: FinishRunInput): RunSummary {
    if (input.epochsDone !== undefined && !(Number.isInteger(input.epochsDone) && input.epochsDone >= 0)) {
      throw new InitScopeError('invalid_input', `epochsDone must be an integer >= 0, got ${input.epochsDone}`);
    }
    const metrics = input.metrics;
    const params = {
      id: runId,
      status: input.status,
      finishedAt: toUtcIso(input.finishedAt, 'finishedAt'),
      epochsDone: input.epochsDone ?? null,
      hasMetrics: metrics ? 1 : 0,
      trainLoss: finiteOrNull(metrics?.trainLoss),
      trainAcc: finiteOrNull(metrics?.trainAcc),
      valLoss: finiteOrNull(metrics?.valLoss),
      valAcc: finiteOrNull(metrics?.valAcc),
      testLoss: finiteOrNull(metrics?.testLoss),
      testAcc: finiteOrNull(metrics?.testAcc),
      error: input.error ?? null,
      divergedAtStep: input.divergedAtStep ?? null,
      divergedLayer: input.divergedLayer ?? null,
    };
    if (retryBusy(this.db, () => this.statements.finish.run(params)).changes === 0) this.throwWrongStatus(runId, `mark ${input.status}`, 'queued or running');
    return this.requireRun(runId);
  }

  /** The run with this id, or undefined. */
  getRun(id: string): RunSummary | undefined {
    const row = this.statements.get.get(id);
    return row ? runFromRow(row) : undefined;
  }

  /** Every run, newest first (by `createdAt`, then by insertion order). */
  listRuns(): RunSummary[] {
    return this.statements.list.all().map(runFromRow);
  }

  /**
   * The run's curve ordered by step. With `maxPoints` (integer ≥ 2) and more rows than that, keeps
   * `maxPoints` evenly spaced points by row index, the first and last always included (see
   * `evenlySpacedIndices`). Rows are read in primary-key order (run_id, step). Throws `not_found` for an unknown run.
   */
  getMetrics(runId: string, maxPoints?: number): MetricPoint[] {
    if (maxPoints !== undefined && !(Number.isInteger(maxPoints) && maxPoints >= 2)) {
      throw new InitScopeError('invalid_input', `maxPoints must be an integer >= 2, got ${maxPoints}`);
    }
    const rows = this.statements.metrics.all(runId);
    if (rows.length === 0) this.requireRun(runId);
    const kept = maxPoints === undefined ? rows : downsampleEvenly(rows, maxPoints);
    return kept.map(metricFromRow);
  }

  /**
   * Puts runs back to `queued` for a fresh start with the same experiment (and so the same seed): deletes
   * every row that refers to them (metrics, layer statistics, artifacts and whatever later migrations add,
   * except `keepTables`) and clears their status, timings and results, all in one transaction.
   */
  resetForRequeue(runIds: readonly string[], keepTables: readonly string[] = []): void {
    const dependents = this.db
      .prepare<[], { tbl: string; col: string }>(
        `SELECT m.name AS tbl, f."from" AS col FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f."table" = 'runs'`,
      )
      .all()
      .filter((r) => !keepTables.includes(r.tbl))
      .map((r) => this.db.prepare<[string]>(`DELETE FROM ${quoteIdentifier(r.tbl)} WHERE ${quoteIdentifier(r.col)} = ?`));
    writeTransaction(this.db, () => {
      for (const id of runIds) {
        for (const dependent of dependents) dependent.run(id);
        this.statements.resetRun.run(id);
      }
    })();
  }

  /**
   * Deletes a run and its metrics; its `single` experiment row goes too once no run refers to it.
   * Returns false if there was no such run.
   */
  deleteRun(id: string): boolean {
    return writeTransaction(this.db, () => {
      const experimentId = this.statements.experimentOf.get(id);
      if (experimentId === undefined) return false;
      this.statements.deleteRun.run(id);
      this.statements.deleteOrphanSingle.run(experimentId);
      return true;
    })();
  }

  private requireRun(runId: string): RunSummary {
    const run = this.getRun(runId);
    if (!run) throw new InitScopeError('not_found', `No run ${runId}`);
    return run;
  }

  private throwWrongStatus(runId: string, action: string, expected: string): never {
    const status = this.statements.status.get(runId);
    if (status === undefined) throw new InitScopeError('not_found', `No run ${runId}`);
    throw new InitScopeError('conflict', `Cannot ${action} run ${runId}: it is ${status}, not ${expected}`);
  }
}

function checkPoint(point: MetricPoint): void {
  const ok =
    Number.isInteger(point.epoch) &&
    point.epoch >= 0 &&
    Number.isInteger(point.step) &&
    point.step >= 0 &&
    Number.isFinite(point.elapsedMs) &&
    point.elapsedMs >= 0;
  if (!ok)
    throw new InitScopeError('invalid_input', `Bad metric point (epoch and step must be integers >= 0, elapsedMs finite >= 0): ${JSON.stringify(point)}`);
}

function metricParams(runId: string, point: MetricPoint) {
  return {
    runId,
    epoch: point.epoch,
    step: point.step,
    trainLoss: finiteOrNull(point.trainLoss),
    trainAcc: finiteOrNull(point.trainAcc),
    valLoss: finiteOrNull(point.valLoss),
    valAcc: finiteOrNull(point.valAcc),
    elapsedMs: point.elapsedMs,
  };
}

/** An SQL identifier in double quotes. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
