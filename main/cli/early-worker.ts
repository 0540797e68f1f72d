/**
 * The engine worker of `initscope train`, forked as the very first thing the command does (bin/initscope.js,
 * before the CLI's own imports and the database), so that the worker's start, its imports and the
 * TensorFlow.js initialisation run on another core while the CLI loads and opens the store.
 *
 * This file imports Node built-ins only: everything it loads delays the fork.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { WorkerHandle } from '../services/worker-launcher.js';

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

/** Reads a small JSON file (≤ 1 MB) without validating it; null when it is absent, too large or not JSON. */
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

/**
 * What an early worker should load while it waits (INITSCOPE_WARM_DATASET, engine/datasets/prewarm.ts):
 * the JSON of the built-in dataset an experiment file (`dataset`) or a sweep file (`base.dataset`) names,
 * or null (no file, an imported dataset, an unreadable file). A cheap look, no validation: the CLI
 * validates the file itself and refuses a bad one; the worker parses the reference with the contract's
 * schema and ignores what does not parse, so a wrong guess only costs the worker a generation it needed not.
 */
export function warmDatasetOf(file: string | undefined): string | null {
  const spec = peekJson(file);
  const base = spec?.base && typeof spec.base === 'object' ? (spec.base as Record<string, unknown>) : spec;
  const dataset = base?.dataset as { builtin?: unknown } | null | undefined;
  return dataset && typeof dataset === 'object' && typeof dataset.builtin === 'string' ? JSON.stringify(dataset) : null;
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
 * Forks the compiled engine worker (`dist/engine/worker.js`, next to this file's folder) exactly as
 * `forkWorkerLauncher()` does (same environment, stdio, serialization, no exec arguments), adding
 * INITSCOPE_WARM_DATASET when `file` (an experiment or a sweep) names a built-in dataset (the worker then
 * generates it while it waits for the run; see {@link warmDatasetOf}). Returns null when there is no
 * compiled worker (the CLI running from its TypeScript sources), then the pool forks its worker itself as before.
 */
export function forkEarlyWorker(file?: string): EarlyWorker | null {
  const entry = fileURLToPath(new URL('../../engine/worker.js', import.meta.url));
  if (!existsSync(entry)) return null;
  const warm = warmDatasetOf(file);
  const child = fork(entry, [], {
    execArgv: [],
    env: { ...process.env, ...(warm ? { INITSCOPE_WARM_DATASET: warm } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return holdWorker(child);
}

/**
 * How many early workers `initscope sweep <file> [--workers N]` forks (`args`: argv after the command
 * name): as many as the pool will run at once — N (default: one per core), at most the sweep's runs and
 * the machine's cores (forking more early would only compete with the CLI's own start; the pool forks
 * the rest on demand). 0 for `sweep resume`, `sweep export`, `--queue` (no local workers), flags before
 * the file, or a bad --workers (the CLI reports it).
 */
export function sweepEarlyWorkerCount(args: readonly string[], cores = availableParallelism()): number {
  const [file, ...flags] = args;
  if (!file || file === 'resume' || file === 'export' || file.startsWith('-')) return 0;
  if (flags.some((f) => f === '--queue' || f.startsWith('--queue='))) return 0;
  const at = flags.findIndex((f) => f === '--workers' || f.startsWith('--workers='));
  const raw = at < 0 ? undefined : flags[at]!.includes('=') ? flags[at]!.slice('--workers='.length) : flags[at + 1];
  const asked = raw === undefined ? cores : Number(raw);
  if (!Number.isInteger(asked) || asked < 1 || asked > 256) return 0;
  return Math.min(asked, cores, sweepRunCount(file) ?? asked);
}

/** Forks the early workers of `initscope sweep` ({@link sweepEarlyWorkerCount} of them, see {@link forkEarlyWorker}). */
export function forkSweepWorkers(args: readonly string[]): EarlyWorker[] {
  const workers: EarlyWorker[] = [];
  for (let i = sweepEarlyWorkerCount(args); i > 0; i--) {
    const worker = forkEarlyWorker(args[0]);
    if (!worker) break;
    workers.push(worker);
  }
  return workers;
}
