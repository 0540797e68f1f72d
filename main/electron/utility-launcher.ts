import type { HostToWorker, WorkerToHost } from '../../engine/protocol.js';
import type { WorkerHandle, WorkerLauncher } from '../services/worker-launcher.js';

/** The part of Electron's `UtilityProcess` the launcher uses (structural, so it is testable without Electron). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/** `utilityProcess.fork` as the launcher calls it. */
export type UtilityFork = (modulePath: string, args: string[], options: { serviceName: string; stdio: 'inherit' }) => UtilityProcessLike;

/**
 * Launches engine workers as Electron utility processes (the desktop counterpart of
 * `forkWorkerLauncher`): a crash or out-of-memory in one kills that run only. The worker entry detects
 * `process.parentPort` and talks over it.
 */
export function utilityProcessLauncher(fork: UtilityFork, workerEntry: string): WorkerLauncher {
  let counter = 0;
  return (): WorkerHandle => {
    const child = fork(workerEntry, [], { serviceName: `InitScope engine ${++counter}`, stdio: 'inherit' });
    let exited = false;
    const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
    child.on('exit', (code) => {
      exited = true;
      for (const listener of exitListeners.splice(0)) listener(code, null);
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (message: HostToWorker) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => {
        child.on('message', (message) => listener(message as WorkerToHost));
      },
      onExit: (listener) => {
        exitListeners.push(listener);
      },
      kill: () => {
        child.kill();
      },
    };
  };
}
