-- Distributed sweeps (BullMQ on Redis, main/queue/): the coordinator is the store's only writer.
-- runs.queue_delivery: the delivery (one try of a run on one worker) whose events the store holds; a
-- newer delivery's 'started' restarts the run from scratch, older ones' events are dropped.
-- runs.worker_host: the machine that trains (or trained) the run, as the worker reported it.
ALTER TABLE runs ADD COLUMN queue_delivery TEXT;
ALTER TABLE runs ADD COLUMN worker_host TEXT;

-- A sweep run through a queue: where (a redacted label: never credentials), how many workers were
-- connected at the coordinator's last look, and a cancel asked by another process (the app), which the
-- coordinator carries out.
CREATE TABLE queue_sweeps (
  sweep_id          TEXT PRIMARY KEY NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  queue_label       TEXT NOT NULL,
  workers_connected INTEGER NOT NULL DEFAULT 0 CHECK (workers_connected >= 0),
  updated_at        TEXT NOT NULL,
  cancel_requested  INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1))
) STRICT;
