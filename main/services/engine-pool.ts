import os from 'node:os';
import type { BoundaryEvent, CoordCheckResult, ExperimentSpec, FinalMetrics, PreviewResult, RunEvent, SplitCalibration } from '../../contract/index.js';
import { TERMINAL_EVENT_TYPES } from '../../contract/index.js';
import { parseMessage, WorkerToHost, type DatasetSource, type LabJob, type LabOutcome, type ParsedMessage } from '../../engine/index.js';
import { COORD_CHECK_REQUESTS, LAB_REQUESTS, PREVIEW_REQUESTS, type CoordCheckJob, type PreviewRequest } from './worker-request-kinds.js';
import { WorkerRequests, type RequestAnswerType, type WorkerRequestSet } from './worker-requests.js';
import type { RunExecutor } from './run-executor.js';
import { cellKey, RunOrder } from './run-order.js';
import type { WorkerHandle, WorkerLauncher } from './worker-launcher.js';

/** A run waiting for, or holding, a worker. */
interface Job {
  runId: string;
  experiment: ExperimentSpec;
  /** An imported dataset's stored file, resolved by the host. */
  dataset?: DatasetSource;
  /** A reproduction's step layout, as recorded by the original run (see HostToWorker 'start'). */
  recordedSplit?: boolean;
  cancelRequested: boolean;
  /** The experiment's identity apart from its seed (run-order.ts cellKey). */
  cell: string;
  /** performance.now() when the run was handed to a worker. */
  startedAt?: number;
}

interface Slot {
  handle: WorkerHandle;
  ready: boolean;
  job: Job | null;
  killTimer: NodeJS.Timeout | null;
  /** Cores last granted to the slot's run (see EnginePool.rebalanceCores). */
  cores: number;
  /** Why the worker was stopped after an invalid message (see EnginePool.rejectMessage). */
  invalid?: string;
}

const NO_METRICS: FinalMetrics = { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null };

export interface EnginePoolOptions {
  launcher: WorkerLauncher;
  /** Number of worker processes (each trains one run at a time). */
  size: number;
  /** After a cancel, how long (ms) a worker may take to stop before it is killed. */
  cancelGraceMs?: number;
  /** Cores of the machine (default os.availableParallelism()); a run alone may use two of them. */
  cores?: number;
  /**
   * The machine's stored split calibration, read when a run starts (see split-calibration-store.ts):
   * sent with the run so that its step layout is decided before it trains from the stored threshold.
   */
  splitCalibration?: () => SplitCalibration | null;
  /** Clock for the runs' durations that order a sweep's later seeds (run-order.ts), ms; default performance.now. */
  now?: () => number;
}

/**
 * Runs experiments in worker processes, one run per worker, queueing the rest (first in, first out,
 * except that a sweep's later seeds start dearest cell first: run-order.ts). A worker that dies
 * fails its run with the exit reason and is replaced on demand; the host keeps serving.
 * Every event (worker events and the pool's own `failed`/`cancelled`) goes to the listeners.
 *
 * Cores: a run that trains alone (no other run running or queued) may use two cores — a two-part run
 * (engine/parallel/split-policy.ts) then computes each batch's second part on the other core — and
 * every run gets one as soon as another run is queued or running, so no two runs ever compete for a
 * core (each worker is told with a 'cores' message, applied from its next step). The grant only
 * changes speed: a run's step layout is fixed before it trains, so its numbers are the same either way.
 */
export class EnginePool implements RunExecutor {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private closed = false;
  /** Workers in a row that died before reporting ready; past a limit, queued runs fail instead of looping. */
  private failedStarts = 0;
  /** Init previews in flight (they run beside training, in any ready worker). */
  private readonly previews = new WorkerRequests(PREVIEW_REQUESTS);
  /** Lab computations in flight (engine/lab; dispatched like previews). */
  private readonly labs = new WorkerRequests(LAB_REQUESTS);
  /** μP coordinate checks in flight (dispatched like previews). */
  private readonly coordChecks = new WorkerRequests(COORD_CHECK_REQUESTS);
  /** All three, for what is done to them alike. */
  private readonly requests: WorkerRequestSet[] = [this.previews, this.labs, this.coordChecks];
  /** Runs handed to a worker so far (see {@link runsStarted}). */
  private started = 0;
  /** Which queued run starts next: first in, first out, or a sweep's dearest cells first (run-order.ts). */
  private readonly order = new RunOrder();

  private readonly now: () => number;

  constructor(private readonly options: EnginePoolOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Computes an init preview in a worker: an idle ready one if any, else a busy one (the preview
   * interleaves with its run), else the first to become ready (one is started if none exists).
   * Rejects if that worker stops, the pool closes, or after 60 s.
   */
  preview(request: PreviewRequest): Promise<PreviewResult[]> {
    return this.ask(this.previews, request);
  }

  /**
   * Computes a lab job (engine/lab: phase diagram, Jacobian spectrum) in a worker, dispatched like an
   * init preview. Rejects if that worker stops, the pool closes, or after 180 s.
   */
  lab(job: LabJob): Promise<LabOutcome> {
    return this.ask(this.labs, job);
  }

  /**
   * Computes a μP coordinate check in a worker, dispatched like {@link preview}. Rejects if that
   * worker stops, the pool closes, or after 5 minutes.
   */
  coordCheck(job: CoordCheckJob): Promise<CoordCheckResult> {
    return this.ask(this.coordChecks, job);
  }

  /** Registers a request and dispatches it (see {@link preview}); rejects at once when the pool is closed. */
  private ask<Job, Result, A extends RequestAnswerType>(requests: WorkerRequests<Job, Result, A>, job: Job): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('The engine pool is closed'));
    const result = requests.add(job);
    this.pump();
    return result;
  }

  /** True while a run is queued or training (the background split calibration waits for false). */
  busy(): boolean {
    return this.queue.length > 0 || this.slots.some((s) => s.job);
  }

  /** How many runs the pool has handed to a worker so far. */
  runsStarted(): number {
    return this.started;
  }

  /** Subscribes to run events; returns the unsubscribe function. */
  onEvent(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly weightListeners = new Set<(runId: string, tensors: unknown) => void>();

  /**
   * Subscribes to the trained weights a worker sends for its current run (before the terminal event).
   * `tensors` is unchecked (it crossed a process boundary); see main/export/weights-file.ts.
   */
  onWeights(listener: (runId: string, tensors: unknown) => void): () => void {
    this.weightListeners.add(listener);
    return () => this.weightListeners.delete(listener);
  }

  private readonly boundaryListeners = new Set<(event: BoundaryEvent) => void>();

  /** Subscribes to the decision-boundary pictures of running runs (2-D inputs; see contract/boundary.ts). */
  onBoundary(listener: (event: BoundaryEvent) => void): () => void {
    this.boundaryListeners.add(listener);
    return () => this.boundaryListeners.delete(listener);
  }

  /**
   * Queues a run; it starts as soon as a worker is free.
   * @param recordedSplit for a reproduction, the original's step layout (provenance split.parts === 2)
   */
  submit(runId: string, experiment: ExperimentSpec, dataset?: DatasetSource, recordedSplit?: boolean): void {
    if (this.closed) throw new Error('The engine pool is closed');
    this.queue.push({
      runId,
      experiment,
      cancelRequested: false,
      cell: cellKey(experiment),
      ...(dataset ? { dataset } : {}),
      ...(recordedSplit !== undefined ? { recordedSplit } : {}),
    });
    // Another run is coming: a run alone on two cores goes back to one before its worker starts.
    this.rebalanceCores();
    this.pump();
  }

  /** Number of runs queued or running. */
  get activeCount(): number {
    return this.queue.length + this.slots.filter((s) => s.job).length;
  }

  /**
   * Cancels a queued run at once, or asks a running one to stop (it ends within one training step;
   * a worker that does not answer within the grace period is killed). Returns false if unknown.
   */
  cancel(runId: string): boolean {
    const queuedIndex = this.queue.findIndex((j) => j.runId === runId);
    if (queuedIndex >= 0) {
      this.queue.splice(queuedIndex, 1);
      this.rebalanceCores();
      this.emit({ type: 'cancelled', runId, epoch: 0, step: 0, metrics: NO_METRICS });
      return true;
    }
    const slot = this.slots.find((s) => s.job?.runId === runId);
    if (!slot || !slot.job) return false;
    slot.job.cancelRequested = true;
    slot.handle.send({ type: 'cancel', runId });
    slot.killTimer ??= setTimeout(() => slot.handle.kill(), this.options.cancelGraceMs ?? 10_000);
    return true;
  }

  /** Cancels everything, asks workers to exit and kills those that do not within `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    for (const requests of this.requests) requests.failAll('The engine pool is closed');
    for (const job of this.queue.splice(0)) {
      this.emit({ type: 'cancelled', runId: job.runId, epoch: 0, step: 0, metrics: NO_METRICS });
    }
    const exits = this.slots.map(
      (slot) =>
        new Promise<void>((resolve) => {
          slot.handle.onExit(() => resolve());
          if (slot.job) this.cancel(slot.job.runId);
          slot.handle.send({ type: 'shutdown' });
          setTimeout(() => {
            slot.handle.kill();
            resolve();
          }, graceMs).unref();
        }),
    );
    await Promise.all(exits);
  }

  private emit(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Hands queued runs to idle ready workers, and starts workers (up to the pool size) for the rest. */
  private pump(): void {
    for (;;) {
      const idle = this.slots.find((s) => s.ready && !s.job);
      const next = idle ? this.order.next(this.queue) : -1;
      const job = next >= 0 ? this.queue.splice(next, 1)[0] : undefined;
      if (!idle || !job) break;
      job.startedAt = this.now();
      idle.job = job;
      idle.cores = 1;
      this.started++;
      const calibration = this.options.splitCalibration?.() ?? null;
      idle.handle.send({
        type: 'start',
        runId: job.runId,
        experiment: job.experiment,
        cores: 1,
        ...(job.dataset ? { dataset: job.dataset } : {}),
        ...(job.recordedSplit !== undefined ? { recordedSplit: job.recordedSplit } : {}),
        ...(calibration ? { calibration } : {}),
      });
    }
    this.rebalanceCores();
    const pick = () => (this.slots.find((s) => s.ready && !s.job) ?? this.slots.find((s) => s.ready))?.handle ?? null;
    for (const requests of this.requests) requests.dispatch(pick);
    if (this.requests.some((requests) => requests.waiting > 0) && this.slots.length === 0 && !this.closed) this.spawn();
    const starting = this.slots.filter((s) => !s.ready).length;
    for (let needed = this.queue.length - starting; needed > 0 && this.slots.length < this.options.size; needed--) {
      if (this.closed) return;
      this.spawn();
    }
  }

  /** Starts a worker; it takes work once it reports `ready`. */
  private spawn(): void {
    const slot: Slot = { handle: this.options.launcher(), ready: false, job: null, killTimer: null, cores: 1 };
    this.slots.push(slot);
    slot.handle.onMessage((message) => this.onWorkerMessage(slot, message));
    slot.handle.onExit((code, signal) => this.onWorkerExit(slot, code, signal));
  }

  /** Handles one raw message from a worker, after parsing it with the protocol's WorkerToHost schema. */
  private onWorkerMessage(slot: Slot, raw: unknown): void {
    const parsed = parseMessage(WorkerToHost, raw);
    if (!parsed.ok) {
      this.rejectMessage(slot, parsed);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'previewResult':
        this.previews.settle(message);
        return;
      case 'labResult':
        this.labs.settle(message);
        return;
      case 'coordCheckResult':
        this.coordChecks.settle(message);
        return;
      case 'calibrateResult':
        return; // only a calibration worker is asked (calibration-worker.ts), never a pool worker
      case 'ready':
        slot.ready = true;
        this.failedStarts = 0;
        this.pump();
        return;
      case 'weights':
        // Trained weights, sent just before the run's terminal event; only the slot's own run counts.
        if (slot.job && message.runId === slot.job.runId) for (const listener of this.weightListeners) listener(slot.job.runId, message.tensors);
        return;
      case 'boundary':
        // Only the slot's own run counts (a late picture of a run the pool already ended is dropped).
        if (slot.job && message.event.runId === slot.job.runId) for (const listener of this.boundaryListeners) listener(message.event);
        return;
      case 'event': {
        const event = message.event;
        // A late event of a run the pool already ended (e.g. failed after an invalid message) is dropped.
        if (!slot.job || event.runId !== slot.job.runId) return;
        if (TERMINAL_EVENT_TYPES.has(event.type)) {
          const job = slot.job;
          if ((event.type === 'finished' || event.type === 'diverged') && job.startedAt !== undefined) this.order.record(job.cell, this.now() - job.startedAt);
          this.releaseSlot(slot);
          this.emit(event);
          this.pump();
        } else {
          this.emit(event);
        }
        return;
      }
    }
  }

  /**
   * A worker message that fails the protocol schema. An invalid preview answer fails that preview;
   * anything else means the worker can no longer be trusted with its run: the run fails with the
   * field-named reason, the slot is freed and the worker stopped (a fresh one replaces it on demand),
   * so a malformed final event can never leave a slot busy.
   */
  private rejectMessage(slot: Slot, parsed: Extract<ParsedMessage<WorkerToHost>, { ok: false }>): void {
    const reason = `The engine worker sent an invalid '${parsed.type ?? '?'}' message (${parsed.error})`;
    const requests = this.requests.find((r) => r.answerType === parsed.type);
    if (requests && parsed.requestId !== undefined) {
      requests.fail(parsed.requestId, reason);
      return;
    }
    const job = slot.job;
    slot.invalid = reason;
    this.releaseSlot(slot);
    if (job) this.emit({ type: 'failed', runId: job.runId, error: reason });
    slot.handle.kill();
  }

  private onWorkerExit(slot: Slot, code: number | null, signal: string | null): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const job = slot.job;
    this.releaseSlot(slot);
    for (const requests of this.requests) {
      requests.failWorker(
        slot.handle,
        slot.invalid ?? `The engine worker stopped during ${requests.during} (${code === null ? `signal ${signal}` : `exit code ${code}`})`,
      );
    }
    if (job) {
      if (job.cancelRequested) {
        this.emit({ type: 'cancelled', runId: job.runId, epoch: 0, step: 0, metrics: NO_METRICS });
      } else {
        const reason = code === null ? `signal ${signal}` : `exit code ${code}`;
        // V8 aborts (SIGABRT, exit code 134) when the JavaScript heap is exhausted.
        const hint = signal === 'SIGABRT' || code === 134 ? '; it probably ran out of memory' : '';
        this.emit({ type: 'failed', runId: job.runId, error: `The engine worker stopped unexpectedly (${reason})${hint}` });
      }
    }
    if (!slot.ready && ++this.failedStarts >= 3) {
      for (const queued of this.queue.splice(0)) {
        const reason = slot.invalid ?? (code === null ? `signal ${signal}` : `exit code ${code}`);
        this.emit({ type: 'failed', runId: queued.runId, error: `The engine worker could not start (${reason})` });
      }
      this.failedStarts = 0;
      for (const requests of this.requests) requests.failAll('The engine worker could not start');
    }
    if (!this.closed) this.pump();
  }

  /**
   * Grants min(2, cores) to a run training alone with nothing queued, and 1 to every run otherwise;
   * tells each worker whose grant changed.
   */
  private rebalanceCores(): void {
    const busy = this.slots.filter((s) => s.job);
    const alone = busy.length === 1 && this.queue.length === 0;
    const grant = alone ? Math.min(2, this.options.cores ?? os.availableParallelism()) : 1;
    for (const slot of busy) {
      if (slot.cores === grant || !slot.job) continue;
      slot.cores = grant;
      slot.handle.send({ type: 'cores', runId: slot.job.runId, cores: grant });
    }
  }

  private releaseSlot(slot: Slot): void {
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.killTimer = null;
    slot.job = null;
  }
}
