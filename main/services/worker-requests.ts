import { InitScopeError } from '../../contract/index.js';
import type { HostToWorker, WorkerToHost } from '../../engine/index.js';
import type { WorkerHandle } from './worker-launcher.js';

/** The worker messages that answer a request (one per request, with its requestId). */
export type RequestAnswerType = 'previewResult' | 'labResult' | 'coordCheckResult';
/** A worker's answer of type `A`, parsed with the protocol schema by the pool. */
export type RequestAnswer<A extends RequestAnswerType> = Extract<WorkerToHost, { type: A }>;

/**
 * One kind of request that engine workers answer beside training (init preview, lab computation,
 * μP coordinate check): how it is asked, answered and named in errors.
 */
export interface WorkerRequestKind<Job, Result, A extends RequestAnswerType> {
  /** The worker message that answers it. */
  answerType: A;
  /** Prefix of its request ids (`preview` gives `preview_1`, `preview_2`, …). */
  idPrefix: string;
  /** What it is called, lower case: 'init preview' ("The init preview took longer than …", "Init preview failed: …"). */
  name: string;
  /** How "The engine worker stopped during …" goes on: 'the init preview'. */
  during: string;
  /** Milliseconds after which a request not yet answered fails. */
  timeoutMs: number;
  /** The message that asks a worker for `job`. */
  message(requestId: string, job: Job): HostToWorker;
  /** The result carried by an answer without an error, or the error the request fails with. */
  result(answer: RequestAnswer<A>, job: Job): Result | Error;
}

/** What an engine pool does alike to every kind of request it has in flight. */
export interface WorkerRequestSet {
  readonly answerType: RequestAnswerType;
  readonly during: string;
  /** Number of requests not yet sent to a worker. */
  readonly waiting: number;
  /** Sends every waiting request to the worker `pick` returns (none while it returns null). */
  dispatch(pick: () => WorkerHandle | null): void;
  /** Fails one request (its answer was invalid). */
  fail(requestId: string, reason: string): void;
  /** Fails the requests sent to a worker that stopped. */
  failWorker(handle: WorkerHandle, reason: string): void;
  /** Fails every request (the pool is closing, or no worker can start). */
  failAll(reason: string): void;
}

interface Pending<Job, Result> {
  requestId: string;
  job: Job;
  handle: WorkerHandle | null;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The requests of one kind an engine pool has in flight: each waits for a ready worker, is sent to it
 * and settles on the worker's matching answer (an answer with an `error` fails it as invalid input),
 * when its worker stops, when the pool closes, or after the kind's timeout.
 */
export class WorkerRequests<Job, Result, A extends RequestAnswerType> implements WorkerRequestSet {
  private readonly pending = new Map<string, Pending<Job, Result>>();
  private counter = 0;

  constructor(private readonly kind: WorkerRequestKind<Job, Result, A>) {}

  get answerType(): A {
    return this.kind.answerType;
  }

  get during(): string {
    return this.kind.during;
  }

  get waiting(): number {
    let n = 0;
    for (const p of this.pending.values()) if (!p.handle) n++;
    return n;
  }

  /** Registers a request; it is sent by the next {@link dispatch}. */
  add(job: Job): Promise<Result> {
    const requestId = `${this.kind.idPrefix}_${++this.counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.settleWith(requestId, new InitScopeError('internal', `The ${this.kind.name} took longer than ${this.kind.timeoutMs} ms`)),
        this.kind.timeoutMs,
      );
      timer.unref();
      this.pending.set(requestId, { requestId, job, handle: null, resolve, reject, timer });
    });
  }

  dispatch(pick: () => WorkerHandle | null): void {
    for (const p of this.pending.values()) {
      if (p.handle) continue;
      const handle = pick();
      if (!handle) return;
      p.handle = handle;
      handle.send(this.kind.message(p.requestId, p.job));
    }
  }

  /** Settles the request a worker's answer is for (an answer for no pending request is ignored). */
  settle(answer: RequestAnswer<A>): void {
    // Every answer type has these two fields; TypeScript cannot see them through the generic Extract.
    const { requestId, error } = answer as RequestAnswer<RequestAnswerType>;
    const p = this.pending.get(requestId);
    if (!p) return;
    if (error !== undefined) {
      const name = this.kind.name;
      this.settleWith(requestId, new InitScopeError('invalid_input', `${name[0]!.toUpperCase()}${name.slice(1)} failed: ${error}`));
      return;
    }
    this.settleWith(requestId, this.kind.result(answer, p.job));
  }

  fail(requestId: string, reason: string): void {
    this.settleWith(requestId, new InitScopeError('internal', reason));
  }

  failWorker(handle: WorkerHandle, reason: string): void {
    for (const p of [...this.pending.values()]) if (p.handle === handle) this.settleWith(p.requestId, new InitScopeError('internal', reason));
  }

  failAll(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settleWith(id, new InitScopeError('internal', reason));
  }

  private settleWith(requestId: string, outcome: Result | Error): void {
    const p = this.pending.get(requestId);
    if (!p) return;
    this.pending.delete(requestId);
    clearTimeout(p.timer);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }
}
