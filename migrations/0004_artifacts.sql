-- 0004_artifacts: files the app wrote for a run (trained weights, exports, reports), with their sha256,
-- so an exported file can be checked later against what InitScope wrote.

CREATE TABLE artifacts (
  id         INTEGER PRIMARY KEY,
  -- The run the file belongs to; NULL for exports not tied to a run (a network spec, a sweep).
  run_id     TEXT REFERENCES runs (id) ON DELETE CASCADE,
  -- Files written together (one export) share this id, e.g. model.json + weights.bin.
  export_id  TEXT NOT NULL CHECK (length(export_id) > 0),
  kind       TEXT NOT NULL CHECK (kind IN ('weights', 'tfjs', 'onnx', 'report', 'csv', 'spec')),
  -- Absolute path as written.
  path       TEXT NOT NULL CHECK (length(path) > 0),
  bytes      INTEGER NOT NULL CHECK (bytes >= 0),
  sha256     TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  created_at TEXT NOT NULL
) STRICT;

-- "Files of this run", newest first.
CREATE INDEX artifacts_by_run ON artifacts (run_id, created_at DESC);
