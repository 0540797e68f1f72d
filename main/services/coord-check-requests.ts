import { InitScopeError, type CoordCheckRequest, type CoordCheckResult } from '../../contract/index.js';
import type { DatasetSource, WorkerToHost } from '../../engine/index.js';
import type { WorkerHandle } from './worker-launcher.js';

/** What a μP coordinate check needs (see contract method 'lab/coordCheck'). */
export interface CoordCheckJob {
  request: CoordCheckRequest;
  /** An imported dataset's stored file, resolved by the host. */
  dataset?: DatasetSource;
}

interface Pending {
  requestId: string;
  job: CoordCheckJob;
  handle: WorkerHandle | null;
  resolve: (result: CoordCheckResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The coordinate checks an engine pool has in flight (the twin of PreviewRequests): each waits for a
 * ready worker, is sent to it as a 'coordCheck' message and settles on the matching
 * 'coordCheckResult' (parsed with the protocol schema by the pool), when its worker dies, or after
 * `timeoutMs`.
 */
export class CoordCheckRequests {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(private readonly timeoutMs = 300_000) {}

  /** Number of checks not yet sent to a worker. */
  get waiting(): number {
    let n = 0;
    for (const p of this.pending.values()) if (!p.handle) n++;
    return n;
  }

  /** Registers a check; it is sent by the next {@link dispatch}. */
  add(job: CoordCheckJob): Promise<CoordCheckResult> {
    const requestId = `coord_${++this.counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.settleWith(requestId, new InitScopeError('internal', `The coordinate check took longer than ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref();
      this.pending.set(requestId, { requestId, job, handle: null, resolve, reject, timer });
    });
  }

  /** Sends every waiting check to the worker `pick` returns (none while it returns null). */
  dispatch(pick: () => WorkerHandle | null): void {
    for (const p of this.pending.values()) {
      if (p.handle) continue;
      const handle = pick();
      if (!handle) return;
      p.handle = handle;
      handle.send({ type: 'coordCheck', requestId: p.requestId, request: p.job.request, ...(p.job.dataset ? { dataset: p.job.dataset } : {}) });
    }
  }

  /** Settles the check a worker's 'coordCheckResult' answers. */
  settle(message: Extract<WorkerToHost, { type: 'coordCheckResult' }>): void {
    if (message.error !== undefined) {
      this.settleWith(message.requestId, new InitScopeError('invalid_input', `Coordinate check failed: ${message.error}`));
      return;
    }
    this.settleWith(
      message.requestId,
      message.result ?? new InitScopeError('internal', 'The engine sent a coordinate check with neither a result nor an error'),
    );
  }

  /** Fails one check (its answer was invalid). */
  fail(requestId: string, reason: string): void {
    this.settleWith(requestId, new InitScopeError('internal', reason));
  }

  /** Fails the checks sent to a worker that stopped. */
  failWorker(handle: WorkerHandle, reason: string): void {
    for (const p of [...this.pending.values()]) if (p.handle === handle) this.settleWith(p.requestId, new InitScopeError('internal', reason));
  }

  /** Fails every check (the pool is closing). */
  failAll(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settleWith(id, new InitScopeError('internal', reason));
  }

  private settleWith(requestId: string, outcome: CoordCheckResult | Error): void {
    const p = this.pending.get(requestId);
    if (!p) return;
    this.pending.delete(requestId);
    clearTimeout(p.timer);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }
}
