-- 0007_runs: run management. A name the user gave a run (NULL: the automatic one, computed from its
-- frozen experiment; see contract/run-name.ts), free-text notes, and tags (one row per run and tag).
-- Tags go with their run (ON DELETE CASCADE) like its metrics and statistics.

ALTER TABLE runs ADD COLUMN custom_name TEXT CHECK (custom_name IS NULL OR length(custom_name) BETWEEN 1 AND 200);
ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';

CREATE TABLE run_tags (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  tag    TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 40),
  -- Also the index of "tags of this run" (the run list reads them with each run).
  PRIMARY KEY (run_id, tag)
) STRICT, WITHOUT ROWID;

-- "Runs with this tag" (filters and the tag list).
CREATE INDEX run_tags_by_tag ON run_tags (tag, run_id);
