-- 0002_layer_stats: per-layer statistics of a run at each recorded step (the `layerStats` run event,
-- see contract/diagnostics.ts). One row per (run, step, layer). Scalars that can be undefined (a layer
-- without weights, an activation without a saturation rule) are NULL. The histogram is a JSON array of
-- fractions over the fixed edges of HISTOGRAM_EDGES (22 numbers).

CREATE TABLE layer_stats (
  run_id             TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step               INTEGER NOT NULL CHECK (step >= 0),
  epoch              INTEGER NOT NULL CHECK (epoch >= 0),
  layer_index        INTEGER NOT NULL CHECK (layer_index >= 0),
  layer              TEXT NOT NULL,
  activation_mean    REAL,
  activation_std     REAL,
  zero_fraction      REAL,
  dead_fraction      REAL,
  saturated_fraction REAL,
  weight_std         REAL,
  gradient_norm      REAL,
  update_ratio       REAL,
  histogram_json     TEXT NOT NULL CHECK (json_valid(histogram_json)),
  -- A replayed write replaces rather than duplicates; also the index of "stats of this run by step".
  PRIMARY KEY (run_id, step, layer_index)
) STRICT, WITHOUT ROWID;
