-- 0006_test_metrics_provenance: a run's metrics on its dataset's held-out test part (evaluated once, at
-- the end or on early stop; NULL where the dataset has none), and its reproducibility record: what
-- determines its numbers beyond the frozen experiment (dataset hash and split, kernel set, cores and
-- split shares, InitScope version...), as a JSON object (schema `RunProvenance` in the contract).

ALTER TABLE runs ADD COLUMN test_loss REAL;
ALTER TABLE runs ADD COLUMN test_acc REAL;
ALTER TABLE runs ADD COLUMN provenance_json TEXT CHECK (provenance_json IS NULL OR json_valid(provenance_json));
