/**
 * Distributed sweeps (issue 18), two measurements:
 *
 * 1. Queue vs local pool: runs/minute of one sweep run by the local engine pool with 2 workers, and by
 *    `initscope sweep --queue` with one `initscope worker --workers 2` on this machine (both compiled,
 *    from dist/; a redis-server on loopback started here), and their ratio (target ≥ 0.9×).
 * 2. The coordinator's store limit: metric rows per second it writes when simulated workers (plain
 *    Redis clients, no training) append progress events to the queue's event stream as fast as they
 *    can: the ceiling of what one coordinator can feed, see docs/scale-out.md.
 *
 * Standalone: `node --import tsx bench/queue-throughput.ts` (needs `npm run build` and redis-server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { RunEvent, SweepSpec } from '../contract/index.js';
import type * as CreateHost from '../main/services/create-host.js';
import { startRedis } from '../test/unit/queue/redis-server.js';
import { benchHost, benchSweep, runSweep } from './sweep-host.js';

const root = path.resolve(import.meta.dirname, '..');

/** The compiled host of dist/ (both sides of the comparison run compiled). */
async function hostModule(): Promise<typeof CreateHost> {
  return (await benchHost(true)).host;
}

/** Runs `spec` on a fresh database, locally (2 workers) or as the coordinator of `queueUrl`; resolves to runs/min. */
async function runsPerMinute(spec: SweepSpec, dataDir: string, queueUrl?: string): Promise<number> {
  const host = await hostModule();
  const t0 = performance.now();
  // Fair to the local pool, whose worker processes start with the sweep: the queue's worker starts too.
  const worker = queueUrl ? startWorker(queueUrl, path.join(dataDir, 'worker')) : null;
  const services = await host.createHostServices({ dataDir, shell: 'cli', workers: 2, ...(queueUrl ? { queue: { url: queueUrl } } : {}) });
  try {
    await runSweep(services, spec, spec.axes.seeds);
    return spec.axes.seeds / ((performance.now() - t0) / 60_000);
  } finally {
    await services.close();
    worker?.kill('SIGTERM');
  }
}

/** One `initscope worker --workers 2` (compiled) on `url`. */
function startWorker(url: string, dataDir: string): ChildProcess {
  return spawn(process.execPath, [path.join(root, 'bin/initscope.js'), 'worker', '--queue', url, '--workers', '2', '--data-dir', dataDir], {
    stdio: 'ignore',
    env: { ...process.env, INITSCOPE_BACKEND: process.env.INITSCOPE_BACKEND ?? 'wasm' },
  });
}

export interface QueueThroughput {
  runs: number;
  epochs: number;
  localRunsPerMinute: number;
  queueRunsPerMinute: number;
  /** queue ÷ local. */
  ratio: number;
}

/**
 * The same sweep through the local pool (2 workers) and through the queue (one worker process with 2
 * engine processes, started with the sweep as the local pool's are), alternating, best of `reps` each.
 */
export async function measureQueueThroughput(runs = 8, epochs = 20, reps = 2): Promise<QueueThroughput> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-bench-queue-'));
  const redis = await startRedis();
  try {
    const spec = benchSweep('bench: queue throughput', runs, epochs);
    let local = 0;
    let queued = 0;
    for (let rep = 0; rep < reps; rep++) {
      local = Math.max(local, await runsPerMinute(spec, path.join(dir, `local${rep}`)));
      queued = Math.max(queued, await runsPerMinute(spec, path.join(dir, `queue${rep}`), redis.url));
    }
    return { runs, epochs, localRunsPerMinute: local, queueRunsPerMinute: queued, ratio: queued / local };
  } finally {
    redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `queue throughput (8 runs × 20 epochs): local pool (2 workers) 30.1 runs/min, queue (1 worker × 2) 29.5 runs/min, ratio 0.98× (target ≥ 0.9×)` */
export function formatQueueThroughput(r: QueueThroughput): string {
  return (
    `queue throughput (${r.runs} runs × ${r.epochs} epochs): local pool (2 workers) ${r.localRunsPerMinute.toFixed(1)} runs/min, ` +
    `queue (1 worker × 2 engines) ${r.queueRunsPerMinute.toFixed(1)} runs/min, ratio ${r.ratio.toFixed(2)}× (target ≥ 0.9×)`
  );
}

export interface StoreLimit {
  runs: number;
  epochsPerRun: number;
  simulatedWorkers: number;
  /** Metric rows stored per second, from the first event appended to the last run finished in the store. */
  rowsPerSecond: number;
  /** Events per second the coordinator consumed (rows + starts + ends). */
  eventsPerSecond: number;
}

/**
 * The coordinator's ceiling: a sweep of `runs` runs is stored and queued (no worker takes the jobs);
 * `simulatedWorkers` Redis clients then play its runs' deliveries — started, `epochsPerRun` progress
 * events, finished — appending to the event stream as fast as Redis takes them (pipelined by 200), while
 * the coordinator writes them into SQLite. Rows/s is measured until the last run is finished in the store.
 */
export async function measureStoreLimit(runs = 100, epochsPerRun = 200, simulatedWorkers = 8): Promise<StoreLimit> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-bench-store-'));
  const redis = await startRedis();
  const host = await hostModule();
  const services = await host.createHostServices({ dataDir: dir, shell: 'cli', workers: 1, queue: { url: redis.url } });
  const clients = Array.from({ length: simulatedWorkers }, () => new Redis(redis.url));
  try {
    const spec = benchSweep('bench: queue throughput', runs, epochsPerRun);
    let sweepId = '';
    const done = new Promise<void>((resolve) =>
      services.onSweepEvent!((event) => {
        if (event.type === 'sweepFinished' && event.sweepId === sweepId) resolve();
      }),
    );
    const info = await services.handlers['sweeps/start']({ sweep: spec });
    sweepId = info.id;
    const detail = await services.handlers['sweeps/get']({ sweepId });
    const t0 = performance.now();
    const metrics = { trainLoss: 0.5, trainAcc: 0.8, valLoss: 0.55, valAcc: 0.78 };
    await Promise.all(
      clients.map(async (client, w) => {
        for (let r = w; r < detail.runs.length; r += simulatedWorkers) {
          const runId = detail.runs[r]!.runId;
          const delivery = `bench-${w}-${r}`;
          const events: RunEvent[] = [
            {
              type: 'started',
              runId,
              backend: 'wasm',
              tfjsVersion: '4.22.0',
              totalEpochs: epochsPerRun,
              stepsPerEpoch: 32,
              trainSamples: 800,
              valSamples: 200,
            },
          ];
          for (let e = 1; e <= epochsPerRun; e++) {
            events.push({
              type: 'progress',
              runId,
              totalEpochs: epochsPerRun,
              etaSeconds: 1,
              point: { epoch: e, step: e * 32, ...metrics, elapsedMs: e * 50 },
            });
          }
          events.push({ type: 'finished', runId, metrics, epochs: epochsPerRun, durationMs: epochsPerRun * 50 });
          for (let i = 0; i < events.length; i += 200) {
            const pipeline = client.pipeline();
            for (const event of events.slice(i, i + 200)) {
              pipeline.xadd('initscope:events', '*', 'm', JSON.stringify({ kind: 'event', runId, delivery, host: `sim-${w}`, event }));
            }
            await pipeline.exec();
          }
        }
      }),
    );
    await done;
    const seconds = (performance.now() - t0) / 1000;
    return {
      runs,
      epochsPerRun,
      simulatedWorkers,
      rowsPerSecond: (runs * epochsPerRun) / seconds,
      eventsPerSecond: (runs * (epochsPerRun + 2)) / seconds,
    };
  } finally {
    for (const client of clients) client.disconnect();
    await services.close();
    redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `coordinator store limit: 9,800 metric rows/s (…)` */
export function formatStoreLimit(r: StoreLimit): string {
  return (
    `coordinator store limit (${r.runs} runs × ${r.epochsPerRun} epochs from ${r.simulatedWorkers} simulated workers): ` +
    `${Math.round(r.rowsPerSecond).toLocaleString('en')} metric rows/s (${Math.round(r.eventsPerSecond).toLocaleString('en')} events/s)`
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  (async () => {
    console.log(formatStoreLimit(await measureStoreLimit()));
    console.log(formatQueueThroughput(await measureQueueThroughput()));
  })().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
