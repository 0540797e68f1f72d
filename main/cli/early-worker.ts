/**
 * The engine worker of `initscope train`, forked as the very first thing the command does (bin/initscope.js,
 * before the CLI's own imports and the database), so that the worker's start, its imports and the
 * TensorFlow.js initialisation run on another core while the CLI loads and opens the store.
 *
 * This file imports Node built-ins only (and main/fresh-bundle.ts, which does too, and
 * services/worker-v8-flags.ts, which imports nothing): everything it loads delays the fork.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundledOr } from '../fresh-bundle.js';
import type { WorkerHandle } from '../services/worker-launcher.js';
import { ENGINE_WORKER_V8_FLAGS } from '../services/worker-v8-flags.js';

/** A forked engine worker whose messages and exit are held until the engine pool takes it. */
export interface EarlyWorker {
  /**
   * The worker as the pool's launcher hands it out: once; later calls return null. Messages the worker
   * sent before (its `ready`), and its exit if it already ended, are delivered to the pool's listeners
   * when they are registered.
   */
  take(): WorkerHandle | null;
  /** Kills the worker if no pool took it (the command failed before training); idempotent. */
  discard(): void;
}

/**
 * Wraps a forked worker: holds its messages and exit until listeners are registered. Until taken, the
 * child does not keep this process alive (an unused early worker never delays the CLI's exit; the
 * worker itself exits when its IPC channel closes).
 */
export function holdWorker(child: ChildProcess): EarlyWorker {
  const held: unknown[] = [];
  let exited: [number | null, string | null] | null = null;
  let messageListener: ((message: unknown) => void) | null = null;
  let exitListener: ((code: number | null, signal: string | null) => void) | null = null;
  let taken = false;
  child.on('message', (message) => (messageListener ? messageListener(message) : held.push(message)));
  const ended = (code: number | null, signal: string | null) => {
    if (exited) return;
    exited = [code, signal];
    exitListener?.(code, signal);
  };
  child.once('exit', ended);
  // An unsent message or a closed channel must not throw in this process (the pool sees the exit); a
  // process that could not be started at all counts as a worker that died before 'ready' (the pool then
  // forks a fresh one, and gives up after three in a row).
  child.on('error', () => {
    if (child.pid === undefined) ended(1, null);
  });
  child.unref();
  child.channel?.unref();
  const handle: WorkerHandle = {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => {
      messageListener = listener;
      for (const message of held.splice(0)) listener(message);
    },
    onExit: (listener) => {
      exitListener = listener;
      if (exited) listener(...exited);
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
  return {
    take: () => {
      if (taken) return null;
      taken = true;
      child.ref();
      child.channel?.ref();
      return handle;
    },
    discard: () => {
      if (!taken && exited === null) child.kill('SIGKILL');
      taken = true;
    },
  };
}

/**
 * A pool launcher that hands out the early workers first (each once, skipping any that already ended),
 * then what `fresh` forks — for `train` (one early worker) and `sweep` (one per slot).
 */
export function earlyFirstLauncher(early: readonly EarlyWorker[], fresh: () => WorkerHandle): () => WorkerHandle {
  const waiting = [...early];
  return () => {
    while (waiting.length > 0) {
      const handle = waiting.shift()!.take();
      if (handle) return handle;
    }
    return fresh();
  };
}

/**
 * What the early worker should prepare for the experiment or sweep in `file` (engine/datasets/warm-dataset.ts):
 * the file's dataset reference (a sweep's `base.dataset`) as JSON when it names the built-in MNIST (the worker then generates that
 * very dataset on a thread while it loads TensorFlow.js), else null. A cheap look, no validation: the CLI
 * validates the file itself and refuses a bad one; a wrong guess here only costs the worker work it
 * needed not (the run looks the dataset up by its parsed reference, so a guess never changes a run).
 */
export function warmDatasetSpec(file: string | undefined): string | null {
  const spec = peekJson(file);
  // A sweep file's runs share its base's dataset (`base.dataset`); an experiment file names `dataset`.
  const base = spec?.base && typeof spec.base === 'object' ? (spec.base as Record<string, unknown>) : spec;
  const dataset = base?.dataset as { builtin?: unknown } | null | undefined;
  return dataset && typeof dataset === 'object' && dataset.builtin === 'mnist' ? JSON.stringify(dataset) : null;
}

/** Reads a small JSON object file (≤ 1 MB) without validating it; null when absent, too large, not JSON or not an object. */
function peekJson(file: string | undefined): Record<string, unknown> | null {
  if (!file) return null;
  try {
    if (statSync(file).size > 1 << 20) return null;
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Whether the experiment file names the built-in MNIST (see warmDatasetSpec). */
export function usesBuiltinMnist(file: string | undefined): boolean {
  return warmDatasetSpec(file) !== null;
}

/**
 * Whether the early worker generates its dataset on a thread (engine/datasets/warm-dataset.ts): '1' on
 * machines with more than 2 cores (this process and the worker's main thread take two), else '0';
 * INITSCOPE_WARM_THREAD set by the user wins.
 */
export function warmThread(env: NodeJS.ProcessEnv = process.env, cores: number = os.availableParallelism()): string {
  if (env.INITSCOPE_WARM_THREAD === '1' || env.INITSCOPE_WARM_THREAD === '0') return env.INITSCOPE_WARM_THREAD;
  return cores > 2 ? '1' : '0';
}

/**
 * Forks the compiled engine worker (`dist/engine/worker.js`, next to this file's folder, or its bundle
 * `worker.bundle.js` while that is fresh: main/fresh-bundle.ts) exactly as `forkWorkerLauncher()` does
 * (same environment, stdio, serialization, V8 flags: services/worker-v8-flags.ts), adding INITSCOPE_WARM_DATASET (the
 * file's MNIST reference, see warmDatasetSpec) and INITSCOPE_WARM_THREAD (warmThread) when
 * `experimentFile` uses the built-in MNIST: the worker then prepares that dataset while it loads
 * TensorFlow.js, on a thread where cores allow. Returns null when there is no compiled worker (the CLI running
 * from its TypeScript sources), then the pool forks its worker itself as before.
 */
export function forkEarlyWorker(experimentFile?: string): EarlyWorker | null {
  const compiled = fileURLToPath(new URL('../../engine/worker.js', import.meta.url));
  if (!existsSync(compiled)) return null;
  const entry = bundledOr(compiled, fileURLToPath(new URL('../../engine/worker.bundle.js', import.meta.url)));
  const warm = warmDatasetSpec(experimentFile);
  const child = fork(entry, [], {
    execArgv: [...ENGINE_WORKER_V8_FLAGS],
    env: { ...process.env, ...(warm ? { INITSCOPE_WARM_DATASET: warm, INITSCOPE_WARM_THREAD: warmThread() } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return holdWorker(child);
}

/**
 * How many runs a sweep file expands to by a cheap look (seeds × the length of every list among its
 * axes), or null when the file cannot be read. Only bounds how many early workers are worth forking.
 */
export function sweepRunCount(file: string | undefined): number | null {
  const axes = peekJson(file)?.axes;
  if (!axes || typeof axes !== 'object') return null;
  let runs = 1;
  for (const [name, value] of Object.entries(axes as Record<string, unknown>)) {
    if (name === 'seeds') runs *= typeof value === 'number' && value >= 1 ? Math.floor(value) : 1;
    else if (Array.isArray(value)) runs *= Math.max(1, value.length);
  }
  return runs;
}

/**
 * How many early workers `initscope sweep <file> [--workers N]` forks (`args`: argv after the command
 * name): as many as the pool will run at once — N (default: one per core), at most the sweep's runs and
 * the machine's cores (forking more early would only compete with the CLI's own start; the pool forks
 * the rest on demand). 0 for `sweep resume`, `sweep export`, `--queue` (no local workers), flags before
 * the file, or a bad --workers (the CLI reports it).
 */
export function sweepEarlyWorkerCount(args: readonly string[], cores = os.availableParallelism()): number {
  const [file, ...flags] = args;
  if (!file || file === 'resume' || file === 'export' || file.startsWith('-')) return 0;
  if (flags.some((f) => f === '--queue' || f.startsWith('--queue='))) return 0;
  const at = flags.findIndex((f) => f === '--workers' || f.startsWith('--workers='));
  const raw = at < 0 ? undefined : flags[at]!.includes('=') ? flags[at]!.slice('--workers='.length) : flags[at + 1];
  const asked = raw === undefined ? cores : Number(raw);
  if (!Number.isInteger(asked) || asked < 1 || asked > 256) return 0;
  return Math.min(asked, cores, sweepRunCount(file) ?? asked);
}

/**
 * Forks the early workers of `initscope sweep` ({@link sweepEarlyWorkerCount} of them, each as
 * {@link forkEarlyWorker} does for the sweep file: same fork, preparing the sweep's MNIST while it waits).
 */
export function forkSweepWorkers(args: readonly string[]): EarlyWorker[] {
  const workers: EarlyWorker[] = [];
  for (let i = sweepEarlyWorkerCount(args); i > 0; i--) {
    const worker = forkEarlyWorker(args[0]);
    if (!worker) break;
    workers.push(worker);
  }
  return workers;
}
