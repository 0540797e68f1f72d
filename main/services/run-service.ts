import { randomBytes } from 'node:crypto';
import {
  InitScopeError,
  type ExperimentSpec,
  type MetricPoint,
  type RunEvent,
  type RunSummary,
} from '../../contract/index.js';
import type { RunStore } from '../store/index.js';
import type { EnginePool } from './engine-pool.js';
import { MetricBuffer } from './metric-buffer.js';

/** A sortable, unique run id: `run_<ms since epoch in base 36>_<random>`. */
export function newRunId(now = Date.now()): string {
  return `run_${now.toString(36)}_${randomBytes(4).toString('hex')}`;
}

/**
 * Owns the life of runs: stores each run before it is queued, persists every event the engine pool
 * emits (metrics batched, status on start and end), and only then re-broadcasts the event, so a client
 * that reacts to an event always finds it in the store.
 */
export class RunService {
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly metrics: MetricBuffer;
  private readonly unsubscribePool: () => void;

  constructor(
    private readonly store: RunStore,
    private readonly pool: EnginePool,
    private readonly appVersion: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.metrics = new MetricBuffer((runId, points) => this.store.appendMetrics(runId, points));
    this.unsubscribePool = pool.onEvent((event) => this.onEngineEvent(event));
  }

  /** Subscribes to stored run events; returns the unsubscribe function. */
  onEvent(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores a new run (status `queued`) and hands it to the engine pool. */
  start(experiment: ExperimentSpec): RunSummary {
    const id = newRunId();
    const summary = this.store.createRun({
      id,
      name: experiment.name,
      experiment,
      createdAt: this.now().toISOString(),
      appVersion: this.appVersion,
    });
    this.pool.submit(id, experiment);
    return summary;
  }

  /** Asks a queued or running run to stop; it ends as `cancelled` with its data kept. */
  cancel(runId: string): RunSummary {
    const run = this.get(runId);
    if (run.status === 'queued' || run.status === 'running') this.pool.cancel(runId);
    return this.get(runId);
  }

  /** A stored run, or a `not_found` error naming the id. */
  get(runId: string): RunSummary {
    const run = this.store.getRun(runId);
    if (!run) throw new InitScopeError('not_found', `No run with id ${runId}`);
    return run;
  }

  /** Every stored run, newest first. */
  list(): RunSummary[] {
    return this.store.listRuns();
  }

  /** A run's curve, downsampled to at most `maxPoints` (pending points flushed first). */
  curve(runId: string, maxPoints?: number): MetricPoint[] {
    this.get(runId);
    this.metrics.flush(runId);
    return this.store.getMetrics(runId, maxPoints);
  }

  /** Writes pending metrics and stops listening to the pool. */
  close(): void {
    this.metrics.flushAll();
    this.unsubscribePool();
  }

  private onEngineEvent(event: RunEvent): void {
    try {
      this.persist(event);
    } catch (error) {
      console.error(`InitScope: could not store ${event.type} event of ${event.runId}:`, error);
    }
    for (const listener of this.listeners) listener(event);
  }

  private persist(event: RunEvent): void {
    const at = this.now().toISOString();
    switch (event.type) {
      case 'started':
        this.store.markStarted(event.runId, { backend: event.backend, tfjsVersion: event.tfjsVersion, startedAt: at });
        return;
      case 'progress':
        this.metrics.add(event.runId, event.point);
        return;
      case 'finished':
        this.metrics.flush(event.runId);
        this.store.finishRun(event.runId, { status: 'completed', finishedAt: at, metrics: event.metrics });
        return;
      case 'cancelled':
        this.metrics.flush(event.runId);
        // A run cancelled before its first epoch (or killed) reports no metrics: keep the stored ones.
        this.store.finishRun(event.runId, {
          status: 'cancelled',
          finishedAt: at,
          ...(Object.values(event.metrics).some((v) => v !== null) ? { metrics: event.metrics } : {}),
        });
        return;
      case 'diverged':
        this.metrics.flush(event.runId);
        this.store.finishRun(event.runId, {
          status: 'diverged',
          finishedAt: at,
          metrics: event.metrics,
          divergedAtStep: event.step,
          divergedLayer: event.layer,
        });
        return;
      case 'failed':
        this.metrics.flush(event.runId);
        this.store.finishRun(event.runId, { status: 'failed', finishedAt: at, error: event.error });
        return;
    }
  }
}
