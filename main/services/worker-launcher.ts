import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { unpackedPath, type HostToWorker } from '../../engine/index.js';
import { bundledOr } from '../fresh-bundle.js';
import { ENGINE_WORKER_V8_FLAGS } from './worker-v8-flags.js';

/** One engine worker process, behind the smallest interface the pool needs (fork or Electron utilityProcess). */
export interface WorkerHandle {
  send(message: HostToWorker): void;
  /** Registers the listener for raw messages from the worker (unchecked: the pool parses them with WorkerToHost). */
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process ends; `code` null means it was killed by `signal`. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
  readonly pid: number | undefined;
}

/** Starts a fresh worker process. */
export type WorkerLauncher = () => WorkerHandle;

/**
 * Where the engine worker entry lives: the compiled `dist/engine/worker.js` next to the compiled host,
 * or its one-file bundle `dist/engine/worker.bundle.js` while that is up to date (main/fresh-bundle.ts;
 * same code, loads faster), in a packed desktop app their copy outside app.asar (see engine/asar-path.ts);
 * or, when the host itself runs from TypeScript sources (tests), `engine/worker.ts` loaded through tsx.
 */
export function resolveWorkerEntry(): { path: string; execArgv: string[] } {
  const compiled = fileURLToPath(new URL('../../engine/worker.js', import.meta.url));
  if (existsSync(compiled)) {
    const entry = bundledOr(compiled, fileURLToPath(new URL('../../engine/worker.bundle.js', import.meta.url)));
    return { path: unpackedPath(entry), execArgv: [] };
  }
  const source = fileURLToPath(new URL('../../engine/worker.ts', import.meta.url));
  return { path: source, execArgv: ['--import', 'tsx'] };
}

/**
 * Launches workers with `child_process.fork` (Node shells: browser mode and CLI).
 * `extraEnv` is merged into the worker's environment (e.g. INITSCOPE_BACKEND).
 */
export function forkWorkerLauncher(extraEnv: Record<string, string> = {}): WorkerLauncher {
  const entry = resolveWorkerEntry();
  return () => {
    const child = fork(entry.path, [], {
      execArgv: [...ENGINE_WORKER_V8_FLAGS, ...entry.execArgv],
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', (m) => listener(m)),
      onExit: (listener) => child.once('exit', (code, signal) => listener(code, signal)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
