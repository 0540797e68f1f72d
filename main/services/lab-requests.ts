import { InitScopeError } from '../../contract/index.js';
import type { LabJob, LabOutcome, WorkerToHost } from '../../engine/index.js';
import type { WorkerHandle } from './worker-launcher.js';

interface Pending {
  requestId: string;
  job: LabJob;
  handle: WorkerHandle | null;
  resolve: (result: LabOutcome) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The lab computations (engine/lab) an engine pool has in flight, like its init previews: each waits for
 * a ready worker, is sent to it as a 'lab' message and settles on the matching 'labResult' (parsed with
 * the protocol schema by the pool), when its worker dies, or after `timeoutMs`.
 */
export class LabRequests {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(private readonly timeoutMs = 180_000) {}

  /** Number of jobs not yet sent to a worker. */
  get waiting(): number {
    let n = 0;
    for (const p of this.pending.values()) if (!p.handle) n++;
    return n;
  }

  /** Registers a job; it is sent by the next {@link dispatch}. */
  add(job: LabJob): Promise<LabOutcome> {
    const requestId = `lab_${++this.counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.settleWith(requestId, new InitScopeError('internal', `The lab computation took longer than ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref();
      this.pending.set(requestId, { requestId, job, handle: null, resolve, reject, timer });
    });
  }

  /** Sends every waiting job to the worker `pick` returns (none while it returns null). */
  dispatch(pick: () => WorkerHandle | null): void {
    for (const p of this.pending.values()) {
      if (p.handle) continue;
      const handle = pick();
      if (!handle) return;
      p.handle = handle;
      handle.send({ type: 'lab', requestId: p.requestId, job: p.job });
    }
  }

  /** Settles the job a worker's 'labResult' answers; a result of another kind than asked fails it. */
  settle(message: Extract<WorkerToHost, { type: 'labResult' }>): void {
    const p = this.pending.get(message.requestId);
    if (!p) return;
    if (message.error !== undefined) {
      this.settleWith(message.requestId, new InitScopeError('invalid_input', `Lab computation failed: ${message.error}`));
      return;
    }
    const result = message.result;
    if (!result || result.kind !== p.job.kind) {
      this.settleWith(
        message.requestId,
        new InitScopeError('internal', `The engine sent a lab result of kind '${result?.kind ?? 'none'}' for a '${p.job.kind}' job`),
      );
      return;
    }
    this.settleWith(message.requestId, result);
  }

  /** Fails one job (its answer was invalid). */
  fail(requestId: string, reason: string): void {
    this.settleWith(requestId, new InitScopeError('internal', reason));
  }

  /** Fails the jobs sent to a worker that stopped. */
  failWorker(handle: WorkerHandle, reason: string): void {
    for (const p of [...this.pending.values()]) if (p.handle === handle) this.settleWith(p.requestId, new InitScopeError('internal', reason));
  }

  /** Fails every job (the pool is closing). */
  failAll(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settleWith(id, new InitScopeError('internal', reason));
  }

  private settleWith(requestId: string, outcome: LabOutcome | Error): void {
    const p = this.pending.get(requestId);
    if (!p) return;
    this.pending.delete(requestId);
    clearTimeout(p.timer);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }
}
