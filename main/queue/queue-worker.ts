import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { InitScopeError, TERMINAL_EVENT_TYPES, type RunEvent } from '../../contract/index.js';
import { EnginePool } from '../services/engine-pool.js';
import { forkWorkerLauncher, type WorkerLauncher } from '../services/worker-launcher.js';
import { fetchDataset } from './dataset-transfer.js';
import { QueueJobData, type QueueEntry } from './queue-messages.js';
import { queueKeys, RUNS_QUEUE, WORKER_HEARTBEAT_TTL_MS } from './queue-keys.js';
import { openRedis } from './open-redis.js';
import { redactRedisUrl } from './queue-url.js';

export interface QueueWorkerOptions {
  /** Redis URL (see resolveQueueUrl). */
  url: string;
  /** Queue name (default `initscope`). */
  queueName?: string;
  /** Runs trained at once, each in its own engine worker process. */
  workers: number;
  /** Where fetched datasets are cached (by content hash). */
  cacheDir: string;
  /** This InitScope's version; jobs of a coordinator with another version are refused. */
  version: string;
  /** The machine's name recorded on runs (default os.hostname()). */
  host?: string;
  /** BullMQ lock of a job (ms, default 30 s): a killed worker's run goes to another worker after it. */
  lockDurationMs?: number;
  /** A run whose engine sends no event for this long (ms, default 30 min) is stopped and retried elsewhere. */
  stallMs?: number;
  launcher?: WorkerLauncher;
  log?: (message: string) => void;
}

/** A started `initscope worker`. */
export interface QueueWorker {
  /** Resolves when the worker stopped: closed, or refused work (see `refusal`). */
  readonly stopped: Promise<void>;
  /** Why the worker stopped taking jobs on its own (another coordinator version), else null. */
  refusal(): string | null;
  /** Stops taking jobs; runs in progress are handed back to the queue (another worker takes them). */
  close(): Promise<void>;
}

/** Why this worker refuses a coordinator of `theirs`. */
export function versionRefusal(ours: string, theirs: string, label: string): string {
  return `This worker runs InitScope ${ours} but the coordinator of ${label} runs InitScope ${theirs}; install the same version on every machine (refused: runs are recorded with one engine version)`;
}

/**
 * `initscope worker`: takes runs from the queue (BullMQ on Redis) and trains them in engine worker
 * processes on this machine (the EnginePool of the local app: a crashed or stalled trainer is a child
 * process, so this process keeps renewing the jobs' locks). Every event of a run goes to the
 * coordinator through the queue's event stream, tagged with a fresh delivery id; the started event's
 * record names this host. A try that fails is retried by BullMQ (a bounded number of times) and only
 * the last one reports the run failed. Refuses to start (InitScopeError `conflict`) if the queue's
 * coordinator runs another InitScope version, and stops if a job of another version reaches it.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const log = options.log ?? ((m: string) => console.error(m));
  const keys = queueKeys(options.queueName);
  const label = `${redactRedisUrl(options.url)} ${keys.prefix}`;
  const host = options.host ?? os.hostname();
  const id = `${host}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const redis = openRedis(options.url, log);
  const theirs = await redis.get(keys.version);
  if (theirs !== null && theirs !== options.version) {
    redis.disconnect();
    throw new InitScopeError('conflict', versionRefusal(options.version, theirs, label));
  }
  const subscriber = openRedis(options.url, log);
  const pool = new EnginePool({ launcher: options.launcher ?? forkWorkerLauncher(), size: options.workers });
  /** Runs training here: runId → what to do on a cancel request. */
  const running = new Map<string, { cancel: () => void; drop: () => void }>();
  let refusal: string | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  await subscriber.subscribe(keys.control);
  subscriber.on('message', (_channel: string, message: string) => {
    try {
      const runId = (JSON.parse(message) as { cancel?: unknown }).cancel;
      if (typeof runId === 'string') running.get(runId)?.cancel();
    } catch {
      // Not a control message of ours.
    }
  });
  const beat = () => void redis.zadd(keys.workers, Date.now(), id).catch(() => undefined);
  beat();
  const heartbeat = setInterval(beat, WORKER_HEARTBEAT_TTL_MS / 3);

  const train = (job: Job, token: string | undefined) => trainJob(job, token);
  const workerConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker(RUNS_QUEUE, train, {
    connection: workerConnection,
    prefix: keys.prefix,
    concurrency: options.workers,
    lockDuration: options.lockDurationMs ?? 30_000,
    // Stalled jobs (a killed worker's) are looked for as often as a lock lasts.
    stalledInterval: options.lockDurationMs ?? 30_000,
    maxStalledCount: 2,
    autorun: true,
  });
  worker.on('error', (error) => log(`InitScope worker: ${error.message}`));

  async function trainJob(job: Job, token: string | undefined): Promise<string> {
    const parsed = QueueJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`Job ${job.id} is not an InitScope run: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const data = parsed.data;
    if (data.version !== options.version) {
      refusal = versionRefusal(options.version, data.version, label);
      log(`InitScope worker: ${refusal}`);
      await job.moveToDelayed(Date.now() + 1000, token);
      setImmediate(() => void close());
      throw new DelayedError();
    }
    const delivery = randomUUID();
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const send = (entry: QueueEntry) => redis.xadd(keys.events, 'MAXLEN', '~', '1000000', '*', 'm', JSON.stringify(entry));
    if ((await redis.exists(keys.cancel(data.runId))) === 1) {
      const event: RunEvent = {
        type: 'cancelled',
        runId: data.runId,
        epoch: 0,
        step: 0,
        metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null },
      };
      await send({ kind: 'event', runId: data.runId, delivery, host, event });
      return 'cancelled';
    }
    let datasetPath: string | undefined;
    try {
      datasetPath = data.dataset ? await fetchDataset(redis, keys, data.dataset, options.cacheDir) : undefined;
    } catch (error) {
      const reason = (error as Error).message;
      if (!last) await send({ kind: 'retry', runId: data.runId, delivery, host, reason });
      else await send({ kind: 'event', runId: data.runId, delivery, host, event: { type: 'failed', runId: data.runId, error: reason } });
      throw new Error(reason);
    }
    return new Promise<string>((resolve, reject) => {
      let sent: Promise<unknown> = Promise.resolve();
      let stallReason: string | null = null;
      let stallTimer: NodeJS.Timeout | null = null;
      const armStall = () => {
        if (stallTimer) clearTimeout(stallTimer);
        stallTimer = setTimeout(() => {
          stallReason = `The engine sent nothing for ${Math.round((options.stallMs ?? 1_800_000) / 1000)} s on ${host}; stopped`;
          pool.cancel(data.runId);
        }, options.stallMs ?? 1_800_000);
        stallTimer.unref();
      };
      const finish = (error: Error | null, result = '') => {
        if (stallTimer) clearTimeout(stallTimer);
        unsubscribe();
        running.delete(data.runId);
        // Every entry is in the stream before BullMQ hears the job ended.
        void sent.then(
          () => (error ? reject(error) : resolve(result)),
          (failure: Error) => reject(failure),
        );
      };
      const unsubscribe = pool.onEvent((raw) => {
        // Closing: the pool cancels its runs, but they are not cancelled by the user: their jobs go back
        // to the queue when their locks expire, and another worker trains them.
        if (raw.runId !== data.runId || closing !== null) return;
        armStall();
        let event = raw;
        if (event.type === 'started' && event.provenance) event = { ...event, provenance: { ...event.provenance, host } };
        if (event.type === 'cancelled' && stallReason !== null) event = { type: 'failed', runId: data.runId, error: stallReason };
        if (event.type === 'failed' && !last) {
          sent = sent.then(() => send({ kind: 'retry', runId: data.runId, delivery, host, reason: event.type === 'failed' ? event.error : '' }));
          finish(new Error(event.error));
          return;
        }
        sent = sent.then(() => send({ kind: 'event', runId: data.runId, delivery, host, event }));
        if (!TERMINAL_EVENT_TYPES.has(event.type)) return;
        if (event.type === 'failed') finish(new UnrecoverableError(event.error));
        else finish(null, event.type);
      });
      running.set(data.runId, {
        cancel: () => pool.cancel(data.runId),
        // Closing: this run goes back to the queue; its promise is left to BullMQ's forced close.
        drop: () => {
          if (stallTimer) clearTimeout(stallTimer);
          unsubscribe();
        },
      });
      armStall();
      pool.submit(data.runId, data.experiment, datasetPath ? { path: datasetPath } : undefined, data.recordedSplit);
    });
  }

  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= (async () => {
      clearInterval(heartbeat);
      for (const run of running.values()) run.drop();
      running.clear();
      // Redis may be gone (its commands then wait for a reconnection): give each step 2 s at most.
      const atMost = (work: Promise<unknown>) => Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await atMost(worker.close(true));
      await pool.close();
      await atMost(redis.zrem(keys.workers, id));
      subscriber.disconnect();
      workerConnection.disconnect();
      redis.disconnect();
      resolveStopped();
    })();
    return closing;
  }
  return { stopped, refusal: () => refusal, close };
}
