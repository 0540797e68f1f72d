-- 0007_charts: a run's per-step training loss (windows of steps, see contract StepLossPoint; loss NULL
-- where the run diverged), and per layer and recorded step the distributions that do not fit the
-- fixed columns: the data-range output histogram and the weight and gradient percentiles, as one JSON
-- object (NULL in rows stored before).

CREATE TABLE step_losses (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step   INTEGER NOT NULL CHECK (step >= 1),
  loss   REAL,
  PRIMARY KEY (run_id, step)
) STRICT, WITHOUT ROWID;

ALTER TABLE layer_stats ADD COLUMN distributions_json TEXT CHECK (distributions_json IS NULL OR json_valid(distributions_json));
