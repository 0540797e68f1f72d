import type Database from 'better-sqlite3';
import type { ExperimentSpec } from '../../contract/index.js';

/** A new `experiments` row: a single run (`single`, sharing the run's id) or a sweep (`sweep`). */
export interface ExperimentRowInput {
  id: string;
  name: string;
  kind: 'single' | 'sweep';
  /** The experiment or sweep spec, stored as JSON (already parsed with its contract schema). */
  spec: unknown;
  /** UTC ISO time. */
  createdAt: string;
}

/** A new `runs` row, in status `queued`, with a frozen copy of its (parsed) experiment. */
export interface QueuedRunInput {
  id: string;
  /** The `experiments` row it belongs to (its own id for a single run, the sweep's id for a sweep run). */
  experimentId: string;
  name: string;
  experiment: ExperimentSpec;
  appVersion: string;
  /** UTC ISO time. */
  createdAt: string;
  /** The process that owns the run (owner-store.ts); null for none. */
  ownerId: string | null;
}

/** The two inserts, prepared once per connection. */
export interface RunInserts {
  experiment(row: ExperimentRowInput): void;
  queuedRun(row: QueuedRunInput): void;
}

/**
 * The one place that writes new `experiments` and `runs` rows, for single runs (run-store.ts) and
 * sweeps (sweep-store.ts) alike. It does not open a transaction: callers run these inside their own
 * `writeTransaction` (BEGIN IMMEDIATE, retried while the database is busy; see busy.ts), together with
 * their other rows, so a conflict leaves nothing behind.
 */
export function prepareRunInserts(db: Database.Database): RunInserts {
  const insertExperiment = db.prepare(`INSERT INTO experiments (id, name, kind, spec_json, created_at) VALUES (@id, @name, @kind, @specJson, @createdAt)`);
  const insertRun = db.prepare(
    `INSERT INTO runs (id, experiment_id, name, status, experiment_json, seed, app_version, created_at, owner_id)
     VALUES (@id, @experimentId, @name, 'queued', @specJson, @seed, @appVersion, @createdAt, @ownerId)`,
  );
  return {
    experiment: (row) => {
      insertExperiment.run({ id: row.id, name: row.name, kind: row.kind, specJson: JSON.stringify(row.spec), createdAt: row.createdAt });
    },
    queuedRun: (row) => {
      insertRun.run({
        id: row.id,
        experimentId: row.experimentId,
        name: row.name,
        specJson: JSON.stringify(row.experiment),
        seed: row.experiment.train.seed,
        appVersion: row.appVersion,
        createdAt: row.createdAt,
        ownerId: row.ownerId,
      });
    },
  };
}
