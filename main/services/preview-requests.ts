import { InitScopeError, type ExperimentSpec, type InitializerSpec, type PreviewResult } from '../../contract/index.js';
import type { DatasetSource, WorkerToHost } from '../../engine/index.js';
import type { WorkerHandle } from './worker-launcher.js';

/** What an init preview needs (see contract method 'engine/preview'). */
export interface PreviewRequest {
  experiment: ExperimentSpec;
  initializers?: InitializerSpec[];
  probeSize?: number;
  /** An imported dataset's stored file, resolved by the host. */
  dataset?: DatasetSource;
}

interface Pending {
  requestId: string;
  request: PreviewRequest;
  handle: WorkerHandle | null;
  resolve: (result: PreviewResult[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The init previews an engine pool has in flight: each waits for a ready worker, is sent to it as a
 * 'preview' message and settles on the matching 'previewResult' (parsed with the protocol schema by the pool),
 * when its worker dies, or after `timeoutMs`.
 */
export class PreviewRequests {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(private readonly timeoutMs = 60_000) {}

  /** Number of previews not yet sent to a worker. */
  get waiting(): number {
    let n = 0;
    for (const p of this.pending.values()) if (!p.handle) n++;
    return n;
  }

  /** Registers a preview; it is sent by the next {@link dispatch}. */
  add(request: PreviewRequest): Promise<PreviewResult[]> {
    const requestId = `preview_${++this.counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.settleWith(requestId, new InitScopeError('internal', `The init preview took longer than ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      timer.unref();
      this.pending.set(requestId, { requestId, request, handle: null, resolve, reject, timer });
    });
  }

  /** Sends every waiting preview to the worker `pick` returns (none while it returns null). */
  dispatch(pick: () => WorkerHandle | null): void {
    for (const p of this.pending.values()) {
      if (p.handle) continue;
      const handle = pick();
      if (!handle) return;
      p.handle = handle;
      const { experiment, initializers, probeSize, dataset } = p.request;
      handle.send({
        type: 'preview',
        requestId: p.requestId,
        experiment,
        ...(initializers ? { initializers } : {}),
        ...(probeSize !== undefined ? { probeSize } : {}),
        ...(dataset ? { dataset } : {}),
      });
    }
  }

  /** Settles the preview a worker's 'previewResult' answers (parsed with the protocol schema). */
  settle(message: Extract<WorkerToHost, { type: 'previewResult' }>): void {
    if (message.error !== undefined) {
      this.settleWith(message.requestId, new InitScopeError('invalid_input', `Init preview failed: ${message.error}`));
      return;
    }
    this.settleWith(message.requestId, message.result ?? new InitScopeError('internal', 'The engine sent an init preview with neither a result nor an error'));
  }

  /** Fails one preview (its answer was invalid). */
  fail(requestId: string, reason: string): void {
    this.settleWith(requestId, new InitScopeError('internal', reason));
  }

  /** Fails the previews sent to a worker that stopped. */
  failWorker(handle: WorkerHandle, reason: string): void {
    for (const p of [...this.pending.values()]) if (p.handle === handle) this.settleWith(p.requestId, new InitScopeError('internal', reason));
  }

  /** Fails every preview (the pool is closing). */
  failAll(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settleWith(id, new InitScopeError('internal', reason));
  }

  private settleWith(requestId: string, outcome: PreviewResult[] | Error): void {
    const p = this.pending.get(requestId);
    if (!p) return;
    this.pending.delete(requestId);
    clearTimeout(p.timer);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }
}
