-- 0005_run_owners: which process owns a run or a sweep, so that several processes (the app, `serve`,
-- CLI trains and sweeps) can share one database and a starting process recovers only the work whose
-- owner is gone (its lease expired, or its pid is dead on this host), never a live process's runs.

-- One row per live (or crashed) process that opened the database to run work. `id` is random per
-- process start, so a recycled pid is never mistaken for the old owner. The owner renews
-- `lease_expires_at` periodically (a heartbeat); an owner whose lease has passed is gone.
CREATE TABLE owners (
  id               TEXT PRIMARY KEY NOT NULL,
  pid              INTEGER NOT NULL CHECK (pid > 0),
  hostname         TEXT NOT NULL,
  -- What kind of process: 'app', 'serve', 'cli', 'worker', ...
  kind             TEXT NOT NULL CHECK (length(kind) > 0),
  started_at       TEXT NOT NULL,
  lease_expires_at TEXT NOT NULL
) STRICT;

-- The process that runs (or will run) this run; NULL for runs from before this migration and for
-- ended runs whose owner row has been cleaned up.
ALTER TABLE runs ADD COLUMN owner_id TEXT;
-- The process coordinating this sweep.
ALTER TABLE sweeps ADD COLUMN owner_id TEXT;

CREATE INDEX runs_by_owner ON runs (owner_id) WHERE owner_id IS NOT NULL;
