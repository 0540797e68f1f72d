import { randomBytes } from 'node:crypto';
import {
  InitScopeError,
  TERMINAL_EVENT_TYPES,
  type RunEvent,
  type SweepDetail,
  type SweepEvent,
  type SweepInfo,
  type SweepPlan,
  type SweepSpec,
  type SweepStatus,
  type SweepSummary,
  type SweepSummaryRequest,
} from '../../contract/index.js';
import type { StoredSweep, SweepStore } from '../store/sweep-store.js';
import type { QueueStore } from '../store/queue-store.js';
import type { ProcessOwner } from './process-owner.js';
import { newRunId, type RunService } from './run-service.js';
import { expandSweep, planSweep } from './sweep-expand.js';
import { sweepProgress, type ThroughputOrigin } from './sweep-progress.js';
import { buildSweepSummary } from './sweep-summary.js';

/** A sortable, unique sweep id: `sweep_<ms since epoch in base 36>_<random>`. */
export function newSweepId(now = Date.now()): string {
  return `sweep_${now.toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A sweep this host is executing. */
interface ActiveSweep {
  origin: ThroughputOrigin;
  cancelRequested: boolean;
}

/**
 * Runs sweeps: expands a SweepSpec into runs, stores them all (status `queued`) with their grid
 * coordinates before any starts, hands them to the engine pool through the RunService, follows their
 * terminal events (already persisted by the RunService) to report progress, and marks the sweep
 * `completed` (or `cancelled`) when no run is left queued or running. Queued runs live in the store,
 * so a sweep interrupted by a crash is continued by {@link resume}.
 */
export class SweepService {
  private readonly active = new Map<string, ActiveSweep>();
  private readonly listeners = new Set<(event: SweepEvent) => void>();
  private readonly unsubscribeRuns: () => void;

  constructor(
    private readonly store: SweepStore,
    private readonly runs: RunService,
    private readonly appVersion: string,
    /** This process's owner row: sweeps it starts or resumes are recorded as its own (null: no owner). */
    private readonly owner: ProcessOwner | null = null,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.unsubscribeRuns = runs.onEvent((event) => this.onRunEvent(event));
  }

  /** Subscribes to sweep events (started, progress after each run, finished); returns the unsubscribe function. */
  onEvent(listener: (event: SweepEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private queueStore: QueueStore | null = null;
  private queueLabel: string | null = null;

  /**
   * Reads queue sweeps' facts from `store` (the machine of each run, connected workers; SweepInfo.queue)
   * and, with a `label`, makes this host a queue coordinator: the sweeps it starts or resumes are recorded
   * as run through that queue, and a resume takes back the runs still training on workers
   * (QueueStore.reclaim) instead of restarting them.
   */
  useQueueStore(store: QueueStore, label: string | null = null): void {
    this.queueStore = store;
    this.queueLabel = label;
  }

  /** The sweeps this host is running. */
  activeIds(): string[] {
    return [...this.active.keys()];
  }

  /** Sizes a sweep without starting it; refuses one over MAX_SWEEP_RUNS with the breakdown. */
  plan(spec: SweepSpec): SweepPlan {
    return planSweep(spec);
  }

  /**
   * Expands, stores (all runs `queued`, one transaction) and queues a sweep. Every expanded run is
   * checked first (shapes, output vs loss, memory estimate: RunService.check); if one cannot run,
   * nothing is stored and the `invalid_input` error names that run.
   */
  start(spec: SweepSpec): SweepInfo {
    const { plan, runs } = expandSweep(spec);
    for (const run of runs) this.runs.check(run.experiment, `sweep run "${run.experiment.name}"`);
    const id = newSweepId();
    this.store.createSweep({
      id,
      spec,
      axes: plan.axes,
      createdAt: this.now().toISOString(),
      appVersion: this.appVersion,
      runs: runs.map((run) => ({ ...run, runId: newRunId() })),
      ownerId: this.owner?.id ?? null,
    });
    if (this.queueLabel !== null) this.queueStore?.markQueued(id, this.queueLabel, this.now().toISOString());
    const queued = this.store.listRuns(id);
    this.activate(id, 0);
    this.emit({ type: 'sweepStarted', sweepId: id, plan, resumed: false });
    for (const run of queued) this.runs.enqueue(run.runId, runs[run.position]!.experiment);
    return this.info(id);
  }

  /**
   * Continues a sweep: its runs that had not ended on their own (interrupted by a crash, cancelled,
   * still queued) restart from scratch, the others are kept. A sweep with nothing left finishes at once.
   * Throws `conflict` if this host or another live process is already running it (see
   * SweepStore.requeue: the takeover is atomic, so two processes never both resume it), `not_found`
   * for an unknown id.
   */
  resume(sweepId: string): SweepInfo {
    const sweep = this.require(sweepId);
    if (this.active.has(sweepId)) throw new InitScopeError('conflict', `Sweep ${sweepId} is already running`);
    const owner = this.owner;
    const claim = owner ? { ownerId: owner.id, describeLive: (id: string) => owner.describeLive(id) } : undefined;
    const requeued = this.queueLabel !== null && this.queueStore && claim ? this.queueStore.reclaim(sweepId, claim) : this.store.requeue(sweepId, claim);
    if (this.queueLabel !== null) this.queueStore?.markQueued(sweepId, this.queueLabel, this.now().toISOString());
    const counts = this.store.counts(sweepId);
    this.activate(sweepId, counts.completed + counts.diverged + counts.failed);
    this.emit({ type: 'sweepStarted', sweepId, plan: planSweep(sweep.spec), resumed: true });
    if (requeued.length === 0) this.finishIfDone(sweepId);
    for (const run of requeued) this.runs.enqueue(run.runId, run.experiment);
    return this.info(sweepId);
  }

  /**
   * At app start: resumes every interrupted sweep. One that another process took over meanwhile is
   * skipped (its `conflict` is expected). Returns the ids resumed here.
   */
  resumeInterrupted(): string[] {
    const resumed: string[] = [];
    for (const id of this.store.sweepIdsWithStatus('interrupted')) {
      try {
        this.resume(id);
        resumed.push(id);
      } catch (error) {
        if ((error as InitScopeError).code !== 'conflict') throw error;
      }
    }
    return resumed;
  }

  /**
   * Cancels a sweep: queued runs are dropped at once, running ones stop within one training step; the
   * sweep ends `cancelled` when the last one has stopped. An interrupted sweep (or one whose process is
   * gone) is simply marked cancelled; one that another live process runs is refused (`conflict`).
   */
  cancel(sweepId: string): SweepInfo {
    const sweep = this.require(sweepId);
    const active = this.active.get(sweepId);
    if (!active) {
      const runner = sweep.status === 'running' && sweep.ownerId !== null && this.owner ? this.owner.describeLive(sweep.ownerId) : null;
      // A queue sweep's coordinator polls for a cancel asked here, and carries it out.
      if (runner !== null && this.queueStore?.requestCancel(sweepId)) return this.info(sweepId);
      if (runner !== null) {
        throw new InitScopeError(
          'conflict',
          `Sweep ${sweepId} is being run by another InitScope process (${runner}); cancel it there (Ctrl-C for a CLI sweep)`,
        );
      }
      if (sweep.status === 'interrupted' || sweep.status === 'running') this.store.setStatus(sweepId, 'cancelled', this.now().toISOString());
      return this.info(sweepId);
    }
    active.cancelRequested = true;
    for (const runId of this.store.runIdsWithStatus(sweepId, 'queued')) this.runs.cancel(runId);
    for (const runId of this.store.runIdsWithStatus(sweepId, 'running')) this.runs.cancel(runId);
    this.finishIfDone(sweepId);
    return this.info(sweepId);
  }

  /** Every stored sweep, newest first. */
  list(): SweepInfo[] {
    return this.store.listSweeps().map((sweep) => this.infoOf(sweep));
  }

  /** A sweep with every run and its grid coordinates. */
  get(sweepId: string): SweepDetail {
    return { ...this.info(sweepId), runs: this.store.listRuns(sweepId) };
  }

  /** The heatmap, ranked table and tests over the runs stored so far (see buildSweepSummary). */
  summary(request: Omit<SweepSummaryRequest, 'metric'> & { metric?: SweepSummaryRequest['metric'] }): SweepSummary {
    const sweep = this.require(request.sweepId);
    const targetAccuracy = request.targetAccuracy ?? sweep.spec.targetAccuracy;
    return buildSweepSummary({
      sweep,
      runs: this.store.listRuns(sweep.id),
      progress: this.infoOf(sweep).progress,
      firstEpochToTarget: this.store.firstEpochReaching(sweep.id, targetAccuracy),
      targetAccuracy,
      metric: request.metric ?? 'valAcc',
      rowAxis: request.rowAxis,
      colAxis: request.colAxis,
      fixed: request.fixed,
    });
  }

  /** Stops following runs (the pool and the run service are closed by the host). */
  close(): void {
    this.unsubscribeRuns();
    this.active.clear();
  }

  private activate(sweepId: string, doneAtStart: number): void {
    this.active.set(sweepId, { origin: { startedAtMs: this.now().getTime(), doneAtStart }, cancelRequested: false });
  }

  private onRunEvent(event: RunEvent): void {
    if (this.active.size === 0 || !TERMINAL_EVENT_TYPES.has(event.type)) return;
    const sweepId = this.store.sweepOfRun(event.runId);
    if (sweepId === undefined || !this.active.has(sweepId)) return;
    // After every listener has seen the run event, so clients get a run's end before the sweep's.
    queueMicrotask(() => {
      if (!this.active.has(sweepId)) return;
      try {
        this.emit({ type: 'sweepProgress', sweepId, progress: this.info(sweepId).progress });
        this.finishIfDone(sweepId);
      } catch (error) {
        console.error(`InitScope: could not update sweep ${sweepId} after ${event.type} of ${event.runId}:`, error);
      }
    });
  }

  /** Ends an active sweep once no run is queued or running, and emits `sweepFinished` with its summary. */
  private finishIfDone(sweepId: string): void {
    const active = this.active.get(sweepId);
    if (!active) return;
    const counts = this.store.counts(sweepId);
    if (counts.queued + counts.running > 0) return;
    const status: SweepStatus = active.cancelRequested ? 'cancelled' : 'completed';
    this.store.setStatus(sweepId, status, this.now().toISOString());
    this.active.delete(sweepId);
    this.emit({ type: 'sweepFinished', sweepId, status, summary: this.summary({ sweepId }) });
  }

  private info(sweepId: string): SweepInfo {
    return this.infoOf(this.require(sweepId));
  }

  private infoOf(sweep: StoredSweep): SweepInfo {
    const active = this.active.get(sweep.id);
    const counts = this.store.counts(sweep.id);
    const progress = sweepProgress(sweep.id, sweep.status, sweep.totalRuns, counts, active?.origin ?? null, this.now().getTime());
    return {
      id: sweep.id,
      name: sweep.name,
      status: sweep.status,
      spec: sweep.spec,
      axes: sweep.axes,
      createdAt: sweep.createdAt,
      finishedAt: sweep.finishedAt,
      progress,
      ...this.queueOf(sweep.id),
    };
  }

  /** `{ queue }` for a sweep run through a job queue, else nothing. */
  private queueOf(sweepId: string): Pick<SweepInfo, 'queue'> {
    const row = this.queueStore?.sweep(sweepId);
    return row ? { queue: { label: row.label, workersConnected: row.workersConnected, updatedAt: row.updatedAt } } : {};
  }

  private require(sweepId: string): StoredSweep {
    const sweep = this.store.getSweep(sweepId);
    if (!sweep) throw new InitScopeError('not_found', `No sweep with id ${sweepId}`);
    return sweep;
  }

  private emit(event: SweepEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('InitScope: a sweep event listener failed:', error);
      }
    }
  }
}
