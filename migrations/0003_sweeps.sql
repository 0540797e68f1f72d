-- 0003_sweeps: sweeps (a grid of runs over initializer × activation × … × seeds) and their runs' places in it.
-- A sweep shares its id with an `experiments` row of kind 'sweep' (spec_json holds the SweepSpec); its
-- runs are ordinary `runs` rows whose experiment_id is the sweep id, so they cascade with it.

CREATE TABLE sweeps (
  id          TEXT PRIMARY KEY NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  status      TEXT NOT NULL DEFAULT 'running'
              CHECK (status IN ('running', 'completed', 'cancelled', 'interrupted')),
  total_runs  INTEGER NOT NULL CHECK (total_runs >= 1),
  -- The expanded axes (name and labels per value), as shown to clients.
  axes_json   TEXT NOT NULL CHECK (json_valid(axes_json)),
  created_at  TEXT NOT NULL,
  finished_at TEXT
) STRICT;

-- Sweeps a host start must look at (interrupted by a crash, or still running).
CREATE INDEX sweeps_unfinished ON sweeps (status) WHERE status IN ('running', 'interrupted');

-- One run of a sweep: its position in the expansion order and its coordinates in the grid.
CREATE TABLE sweep_runs (
  sweep_id    TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  position    INTEGER NOT NULL CHECK (position >= 0),
  run_id      TEXT NOT NULL UNIQUE REFERENCES runs (id) ON DELETE CASCADE,
  seed_index  INTEGER NOT NULL CHECK (seed_index >= 0),
  -- Axis name → index into that axis's values, e.g. {"activation":2,"initializer":0}.
  coords_json TEXT NOT NULL CHECK (json_valid(coords_json)),
  PRIMARY KEY (sweep_id, position)
) STRICT, WITHOUT ROWID;
