/**
 * The Redis keys of one InitScope queue (default name `initscope`). BullMQ keeps the jobs under
 * `<name>:runs:*`; InitScope adds the event stream workers write and the coordinator reads, the
 * workers' heartbeats, the coordinator's version, cancel requests and datasets by content hash.
 */
export interface QueueKeys {
  /** BullMQ prefix (the queue itself is {@link RUNS_QUEUE} under it). */
  prefix: string;
  /** Stream of QueueEntry messages (field `m`: JSON), read by the coordinator's consumer group. */
  events: string;
  /** Sorted set: worker id → last heartbeat (ms since epoch). */
  workers: string;
  /** The InitScope version of the coordinator (workers of another version refuse to work). */
  version: string;
  /** Pub/sub channel of control messages (`{"cancel":"<runId>"}`). */
  control: string;
  /** A cancel request of a run (set for a day, read by a worker before it starts the run). */
  cancel(runId: string): string;
  /** Hash of a dataset file's chunks by its SHA-256 (fields `bytes`, `chunks`, `0`, `1`, …). */
  dataset(sha256: string): string;
}

/** The BullMQ queue name of the runs. */
export const RUNS_QUEUE = 'runs';
/** The consumer group (and consumer) of the coordinator on the event stream: one coordinator per queue. */
export const COORDINATOR_GROUP = 'coordinator';

/** The keys of the queue `name` (letters, digits, `-` and `_`). */
export function queueKeys(name = 'initscope'): QueueKeys {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error(`Queue name must be 1–64 letters, digits, - or _, got "${name}"`);
  return {
    prefix: name,
    events: `${name}:events`,
    workers: `${name}:workers`,
    version: `${name}:version`,
    control: `${name}:control`,
    cancel: (runId) => `${name}:cancel:${runId}`,
    dataset: (sha256) => `${name}:dataset:${sha256}`,
  };
}

/** How long a worker counts as connected after its last heartbeat (ms); heartbeats come every third of it. */
export const WORKER_HEARTBEAT_TTL_MS = 15_000;
