import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  TERMINAL_EVENT_TYPES,
  type BoundaryEvent,
  type CoordCheckResult,
  type ExperimentSpec,
  type PreviewResult,
  type RunEvent,
} from '../../contract/index.js';
import type { DatasetSource, LabJob, LabOutcome } from '../../engine/index.js';
import type { QueueStore } from '../store/queue-store.js';
import type { RunExecutor } from '../services/run-executor.js';
import type { CoordCheckJob } from '../services/worker-request-kinds.js';
import { publishDataset } from './dataset-transfer.js';
import { QueueEntry, type QueueJobData } from './queue-messages.js';
import { COORDINATOR_GROUP, queueKeys, RUNS_QUEUE, WORKER_HEARTBEAT_TTL_MS, type QueueKeys } from './queue-keys.js';
import { openRedis } from './open-redis.js';
import { redactRedisUrl } from './queue-url.js';

export interface QueueExecutorOptions {
  url: string;
  /** Queue name (default `initscope`): one coordinator per queue. */
  queueName?: string;
  /** The coordinator's InitScope version (workers of another version refuse its jobs). */
  version: string;
  store: QueueStore;
  /** Tries of a run before it is marked failed with the last reason (default 3). */
  attempts?: number;
  /** Entries read from the event stream at once (default 500). */
  batch?: number;
  log?: (message: string) => void;
}

const NO_METRICS = { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null };
const ENDED = new Set(['completed', 'failed', 'diverged', 'cancelled', 'interrupted']);

/**
 * The coordinator's side of a distributed sweep, in place of the local engine pool: each submitted
 * run becomes a BullMQ job (id `<sweep id>-<position>`, so adding it twice is a no-op) carrying the
 * experiment and its dataset's content hash; `initscope worker` processes anywhere train them and
 * write their events to a Redis stream, which this executor reads through a consumer group and hands
 * to the RunService (the store's one writer) before acknowledging them. Delivery is at least once;
 * the store holds exactly one copy: events of a delivery older than the run's newest started one are
 * dropped, a newer delivery restarts the run from scratch (QueueStore.beginDelivery), and replayed
 * events overwrite rather than add rows (metrics and layer statistics are keyed by run and step).
 * A reconciliation every few seconds marks failed the runs whose jobs BullMQ failed without a final
 * event (stalled too often) and queues again those whose jobs completed but whose events were lost.
 */
export class QueueExecutor implements RunExecutor {
  private readonly keys: QueueKeys;
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly redis: Redis;
  private readonly reader: Redis;
  private readonly queue: Queue;
  private readonly queueConnection: Redis;
  private consuming: Promise<void> | null = null;
  private closed = false;
  private beforeAck: () => void = () => undefined;
  /** Runs submitted here and not ended (checked by the reconciliation). */
  private readonly openRuns = new Set<string>();
  private reconcileTimer: NodeJS.Timeout | null = null;
  /** Reads that returned nothing since a reconciliation asked (see drained). */
  private drainWaiters: (() => void)[] = [];
  private readonly log: (message: string) => void;
  /** The queue, without credentials: `redis://host:6379/0 initscope`. */
  readonly label: string;

  constructor(private readonly options: QueueExecutorOptions) {
    this.keys = queueKeys(options.queueName);
    this.log = options.log ?? ((m) => console.error(m));
    this.label = `${redactRedisUrl(options.url)} ${this.keys.prefix}`;
    this.redis = openRedis(options.url, this.log);
    this.reader = openRedis(options.url, this.log);
    this.queueConnection = this.redis.duplicate({ maxRetriesPerRequest: null });
    this.queue = new Queue(RUNS_QUEUE, { connection: this.queueConnection, prefix: this.keys.prefix });
  }

  /** Announces this coordinator's version to workers and creates the event stream's consumer group. */
  async open(): Promise<void> {
    await this.redis.set(this.keys.version, this.options.version);
    try {
      await this.redis.xgroup('CREATE', this.keys.events, COORDINATOR_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
  }

  /** Sets what must run before events are acknowledged (the RunService's flush of pending rows). */
  flushBeforeAck(flush: () => void): void {
    this.beforeAck = flush;
  }

  onEvent(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Trained weights do not travel through the queue (see docs/scale-out.md): never called. */
  onWeights(): () => void {
    return () => undefined;
  }

  preview(): Promise<PreviewResult[]> {
    return Promise.reject(new Error('Init previews run in a local engine pool, not through the queue'));
  }

  /** Lab computations run in a local engine pool (the app's or `initscope lab`), not through the queue. */
  lab(_job: LabJob): Promise<LabOutcome> {
    return Promise.reject(new Error('Lab computations run in a local engine pool, not through the queue'));
  }

  /** Coordinate checks run in a local engine pool (the app's or `initscope coord-check`), not through the queue. */
  coordCheck(_job: CoordCheckJob): Promise<CoordCheckResult> {
    return Promise.reject(new Error('Coordinate checks run in a local engine pool, not through the queue'));
  }

  /** Queue workers send no decision-boundary pictures (the run's curves and statistics only): nothing to subscribe to. */
  onBoundary(_listener: (event: BoundaryEvent) => void): () => void {
    return () => undefined;
  }

  submit(runId: string, experiment: ExperimentSpec, dataset?: DatasetSource, recordedSplit?: boolean): void {
    this.openRuns.add(runId);
    this.startConsuming();
    void this.addJob(runId, experiment, dataset, recordedSplit).catch((error: Error) => {
      this.emit({ type: 'failed', runId, error: `Could not queue the run on ${this.label}: ${error.message}` });
    });
  }

  private async addJob(runId: string, experiment: ExperimentSpec, dataset?: DatasetSource, recordedSplit?: boolean, replace = false): Promise<void> {
    const state = this.options.store.runState(runId);
    if (!state) return;
    const data: QueueJobData = {
      runId,
      experiment,
      version: this.options.version,
      ...(dataset ? { dataset: await publishDataset(this.redis, this.keys, dataset.path) } : {}),
      ...(recordedSplit !== undefined ? { recordedSplit } : {}),
    };
    await this.redis.del(this.keys.cancel(runId));
    if (replace) await (await this.queue.getJob(state.jobId))?.remove();
    const options: JobsOptions = {
      jobId: state.jobId,
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
    // A job with this id that already ended is left alone here: its events may still wait in the stream
    // (the coordinator was restarted); the reconciliation replaces it once they are read, if the run is
    // still open then.
    await this.queue.add('run', data, options);
  }

  /**
   * Cancels a run: a job still waiting is removed (the run ends `cancelled` at once); a running one is
   * asked to stop (its worker's engine stops within a step and reports `cancelled`).
   */
  cancel(runId: string): boolean {
    const state = this.options.store.runState(runId);
    if (!state) return false;
    void (async () => {
      await this.redis.set(this.keys.cancel(runId), '1', 'EX', 24 * 3600);
      const job = await this.queue.getJob(state.jobId);
      const jobState = job ? await job.getState() : 'unknown';
      if (job && (jobState === 'waiting' || jobState === 'delayed' || jobState === 'prioritized')) {
        await job.remove();
        this.openRuns.delete(runId);
        this.emit({ type: 'cancelled', runId, epoch: 0, step: 0, metrics: NO_METRICS });
      } else if (jobState === 'unknown' || jobState === 'completed' || jobState === 'failed') {
        this.openRuns.delete(runId);
        this.emit({ type: 'cancelled', runId, epoch: 0, step: 0, metrics: NO_METRICS });
      } else {
        await this.redis.publish(this.keys.control, JSON.stringify({ cancel: runId }));
      }
    })().catch((error: Error) => this.log(`InitScope: could not cancel ${runId} on ${this.label}: ${error.message}`));
    return true;
  }

  /** Workers that sent a heartbeat within WORKER_HEARTBEAT_TTL_MS. */
  async workersConnected(now = Date.now()): Promise<number> {
    await this.redis.zremrangebyscore(this.keys.workers, 0, now - 10 * WORKER_HEARTBEAT_TTL_MS);
    return this.redis.zcount(this.keys.workers, now - WORKER_HEARTBEAT_TTL_MS, '+inf');
  }

  /** Stops reading; jobs stay in the queue (workers go on training them; `sweep resume` takes them back). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.reader.disconnect();
    // A blocked read may not settle once its connection is gone: wait for it at most a second.
    await Promise.race([this.consuming?.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    for (const wake of this.drainWaiters.splice(0)) wake();
    // Redis may be gone (commands then wait for a reconnection): 2 s at most.
    await Promise.race([this.queue.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.queueConnection.disconnect();
    this.redis.disconnect();
  }

  private emit(event: RunEvent): void {
    if (TERMINAL_EVENT_TYPES.has(event.type)) this.openRuns.delete(event.runId);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`InitScope: a run event listener failed: ${(error as Error).message}`);
      }
    }
  }

  private startConsuming(): void {
    if (this.consuming || this.closed) return;
    this.consuming = this.consume();
    this.reconcileTimer = setInterval(() => void this.reconcile().catch((e: Error) => this.log(`InitScope: queue reconciliation: ${e.message}`)), 3000);
  }

  /** Reads the event stream: first this consumer's unacknowledged entries (a restart), then new ones. */
  private async consume(): Promise<void> {
    let cursor = '0';
    while (!this.closed) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await this.reader.xreadgroup(
          'GROUP',
          COORDINATOR_GROUP,
          COORDINATOR_GROUP,
          'COUNT',
          this.options.batch ?? 500,
          'BLOCK',
          500,
          'STREAMS',
          this.keys.events,
          cursor,
        )) as [string, [string, string[]][]][] | null;
      } catch (error) {
        if (this.closed) return;
        this.log(`InitScope: reading the queue's events: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) {
        // The unacknowledged entries (a restart's) are read: on to new ones.
        if (cursor !== '>') cursor = '>';
        else for (const wake of this.drainWaiters.splice(0)) wake();
        continue;
      }
      // An unacknowledged entry deleted meanwhile comes back without fields.
      for (const [, fields] of entries) if (Array.isArray(fields)) this.apply(fields);
      this.beforeAck();
      const ids = entries.map(([id]) => id);
      await this.redis
        .multi()
        .xack(this.keys.events, COORDINATOR_GROUP, ...ids)
        .xdel(this.keys.events, ...ids)
        .exec();
      if (cursor !== '>') cursor = ids[ids.length - 1] as string;
    }
  }

  /** Applies one stream entry: hands its event on if it belongs to the run's current delivery. */
  private apply(fields: string[]): void {
    const raw = fields[fields.indexOf('m') + 1];
    let entry: QueueEntry;
    try {
      entry = QueueEntry.parse(JSON.parse(raw ?? ''));
    } catch (error) {
      this.log(`InitScope: an invalid message on ${this.label} was dropped: ${(error as Error).message.slice(0, 300)}`);
      return;
    }
    const state = this.options.store.runState(entry.runId);
    if (!state || ENDED.has(state.status)) return;
    if (entry.kind === 'retry') {
      if (entry.delivery === state.delivery) this.log(`InitScope: run ${entry.runId} failed on ${entry.host} and will be tried again: ${entry.reason}`);
      return;
    }
    const event = entry.event;
    if (event.runId !== entry.runId) return;
    if (event.type === 'started') {
      if (entry.delivery !== state.delivery) this.options.store.beginDelivery(entry.runId, entry.delivery, entry.host);
      else if (state.status !== 'queued') return; // a replayed start of the delivery already running here
      this.emit(event);
      return;
    }
    if (entry.delivery === state.delivery || (state.status === 'queued' && (event.type === 'failed' || event.type === 'cancelled'))) this.emit(event);
  }

  /** Resolves after a read of the stream that started after this call found nothing new. */
  private drained(): Promise<void> {
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Compares the open runs with their jobs: a failed job (its tries used up, or stalled too often)
   * whose final event never came fails the run with BullMQ's reason; a completed job whose events were
   * lost (the run is still open here after the stream is drained) is queued again from scratch.
   */
  private async reconcile(): Promise<void> {
    const ended: { runId: string; state: string; reason: string }[] = [];
    for (const runId of [...this.openRuns]) {
      const stored = this.options.store.runState(runId);
      if (!stored || ENDED.has(stored.status)) {
        this.openRuns.delete(runId);
        continue;
      }
      const job = await this.queue.getJob(stored.jobId);
      const state = job ? await job.getState() : 'unknown';
      if (job && (state === 'completed' || state === 'failed')) ended.push({ runId, state, reason: job.failedReason ?? '' });
    }
    if (ended.length === 0 || this.closed) return;
    await this.drained();
    for (const { runId, state, reason } of ended) {
      const stored = this.options.store.runState(runId);
      if (!stored || ENDED.has(stored.status)) continue;
      if (state === 'failed') {
        this.emit({ type: 'failed', runId, error: reason || 'The queue gave the run up' });
      } else {
        this.log(`InitScope: the events of run ${runId} were lost; it is trained again`);
        const experiment = this.experimentOf?.(runId);
        if (experiment) await this.addJob(runId, experiment, this.datasetOf?.(experiment), undefined, true);
      }
    }
  }

  /** How a lost run's experiment and dataset are found again (set by the host). */
  experimentOf: ((runId: string) => ExperimentSpec | undefined) | null = null;
  datasetOf: ((experiment: ExperimentSpec) => DatasetSource | undefined) | null = null;
}
