import type { HostToWorker, WorkerToHost } from '../../../engine/protocol.js';
import type { WorkerHandle, WorkerLauncher } from '../../../main/services/worker-launcher.js';

/** An in-memory worker whose behaviour the test drives. */
export class FakeWorker implements WorkerHandle {
  readonly pid = undefined;
  readonly received: HostToWorker[] = [];
  private messageListener: ((m: unknown) => void) | null = null;
  private exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
  killed = false;

  send(message: HostToWorker): void {
    this.received.push(message);
  }
  onMessage(listener: (m: unknown) => void): void {
    this.messageListener = listener;
  }
  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.exitListeners.push(listener);
  }
  kill(): void {
    this.killed = true;
    this.exit(null, 'SIGKILL');
  }
  /** Simulates a message from the worker process. */
  emit(message: WorkerToHost): void {
    this.messageListener?.(message);
  }
  /** Simulates a message that need not follow the protocol (a worker with a bug, or a hostile one). */
  emitRaw(message: unknown): void {
    this.messageListener?.(message);
  }
  /** Simulates the process ending. */
  exit(code: number | null, signal: string | null = null): void {
    const listeners = this.exitListeners;
    this.exitListeners = [];
    for (const l of listeners) l(code, signal);
  }
}

/** A launcher that records every worker it starts. */
export function fakeLauncher(): { launcher: WorkerLauncher; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  return {
    workers,
    launcher: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
  };
}
