-- 0010_resnet: signal propagation of a run's residual blocks at each recorded step (Brock et al. 2021; the
-- `signalProp`/`signalPropInit` fields of the `layerStats` run event, see contract/diagnostics.ts
-- SignalPropBlock). One row per (run, step, block layer); step 0 is the untrained network. Values that
-- were not finite are NULL.

CREATE TABLE signal_prop (
  run_id              TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step                INTEGER NOT NULL CHECK (step >= 0),
  epoch               INTEGER NOT NULL CHECK (epoch >= 0),
  layer_index         INTEGER NOT NULL CHECK (layer_index >= 0),
  layer               TEXT NOT NULL,
  block               INTEGER NOT NULL CHECK (block >= 0),
  squared_mean        REAL,
  variance            REAL,
  branch_squared_mean REAL,
  branch_variance     REAL,
  -- A replayed write replaces rather than duplicates; also the index of "signal propagation of this run by step".
  PRIMARY KEY (run_id, step, layer_index)
) STRICT, WITHOUT ROWID;
