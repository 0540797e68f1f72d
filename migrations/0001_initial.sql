-- 0001_initial: experiments, runs, their per-epoch metrics, and (for a later issue) imported datasets.
-- Applied by main/store/migrate.ts inside one transaction together with `PRAGMA user_version = 1`;
-- migration files must not contain BEGIN/COMMIT of their own.
-- Times are ISO-8601 UTC strings (`Date.prototype.toISOString()`), durations are milliseconds.

-- A single run or a sweep, as the user wrote it (defaults filled in).
CREATE TABLE experiments (
  id         TEXT PRIMARY KEY NOT NULL,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('single', 'sweep')),
  spec_json  TEXT NOT NULL CHECK (json_valid(spec_json)),
  created_at TEXT NOT NULL
) STRICT;

-- One training run: a frozen copy of its ExperimentSpec, where and how it ran, and its latest/final metrics.
CREATE TABLE runs (
  id               TEXT PRIMARY KEY NOT NULL,
  experiment_id    TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'completed', 'cancelled', 'failed', 'diverged', 'interrupted')),
  experiment_json  TEXT NOT NULL CHECK (json_valid(experiment_json)),
  seed             INTEGER NOT NULL,
  backend          TEXT,
  tfjs_version     TEXT,
  app_version      TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  started_at       TEXT,
  finished_at      TEXT,
  epochs_done      INTEGER NOT NULL DEFAULT 0 CHECK (epochs_done >= 0),
  train_loss       REAL,
  train_acc        REAL,
  val_loss         REAL,
  val_acc          REAL,
  error            TEXT,
  diverged_at_step INTEGER,
  diverged_layer   TEXT
) STRICT;

-- listRuns: newest first.
CREATE INDEX runs_by_created_at ON runs (created_at DESC);
-- Cascades from experiments and "runs of this sweep".
CREATE INDEX runs_by_experiment ON runs (experiment_id);
-- markUnfinishedInterrupted at host start.
CREATE INDEX runs_unfinished ON runs (status) WHERE status IN ('queued', 'running');

-- One point of a training curve. The primary key makes a replayed write replace rather than duplicate,
-- and (clustered, WITHOUT ROWID) it is also the index curve reads use: WHERE run_id = ? ORDER BY step.
CREATE TABLE metrics (
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  epoch      INTEGER NOT NULL CHECK (epoch >= 0),
  step       INTEGER NOT NULL CHECK (step >= 0),
  train_loss REAL,
  train_acc  REAL,
  val_loss   REAL,
  val_acc    REAL,
  elapsed_ms REAL NOT NULL CHECK (elapsed_ms >= 0),
  PRIMARY KEY (run_id, step)
) STRICT, WITHOUT ROWID;

-- Imported datasets, copied into the data folder in a compact binary form (used by a later issue).
CREATE TABLE datasets (
  id           TEXT PRIMARY KEY NOT NULL,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (length(kind) > 0),
  info_json    TEXT NOT NULL CHECK (json_valid(info_json)),
  content_hash TEXT NOT NULL UNIQUE,
  path         TEXT NOT NULL,
  created_at   TEXT NOT NULL
) STRICT;
