import { randomBytes } from 'node:crypto';
import {
  assertExperimentRuns,
  autoRunName,
  MAX_RUN_NAME_LENGTH,
  datasetFacts,
  InitScopeError,
  TERMINAL_EVENT_TYPES,
  type LayerStatsRecord,
  type PreviewResult,
  type CoordCheckRequest,
  type CoordCheckResult,
  type DatasetInfo,
  type DatasetRef,
  type ExperimentSpec,
  type MetricPoint,
  type ReproductionReport,
  type RunEvent,
  type RunSummary,
  type StepLossPoint,
} from '../../contract/index.js';
import type { LayerStatsStore, RunProvenanceStore, RunStore, StepLossStore } from '../store/index.js';
import type { PreviewRequest } from './worker-request-kinds.js';
import type { DatasetSource } from '../../engine/index.js';
import type { RunExecutor } from './run-executor.js';
import { MetricBuffer } from './metric-buffer.js';
import { compareReproduction, REPRODUCIBLE_STATUSES, type StoredRunNumbers } from './reproduction.js';
import type { ProcessOwner } from './process-owner.js';

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
    private readonly pool: RunExecutor,
    private readonly appVersion: string,
    /** This process's owner row: runs it creates are recorded as its own (null: no owner). */
    private readonly owner: ProcessOwner | null = null,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.metrics = new MetricBuffer((runId, points) => this.store.appendMetrics(runId, points));
    this.unsubscribePool = pool.onEvent((event) => this.onEngineEvent(event));
  }

  private datasetResolver: ((ref: DatasetRef) => { info: DatasetInfo; source?: DatasetSource }) | null = null;

  /**
   * Sets how experiments' datasets are resolved before a run is queued: an imported dataset's id to its
   * stored file (an unknown id throws `not_found`), and the dataset's input shape, which the network's must equal.
   */
  resolveDatasetsWith(resolver: (ref: DatasetRef) => { info: DatasetInfo; source?: DatasetSource }): void {
    this.datasetResolver = resolver;
  }

  /**
   * The stored file of the experiment's dataset (undefined for built-ins). Throws `not_found` for an
   * unknown dataset id, and `invalid_input` listing every reason the experiment cannot train on its
   * dataset (input shape, layer shapes, output vs loss and labels, memory estimate over the limit;
   * contract/experiment-check.ts), so nothing is stored or started for it.
   * @param what how the experiment is named in the error, e.g. `experiment`
   */
  private resolveDataset(experiment: ExperimentSpec, what = 'experiment'): DatasetSource | undefined {
    return this.resolveDatasetInfo(experiment, what).source;
  }

  /** {@link resolveDataset}, with the dataset's description too (null: no resolver set). */
  private resolveDatasetInfo(experiment: ExperimentSpec, what = 'experiment'): { info: DatasetInfo | null; source?: DatasetSource | undefined } {
    if (!this.datasetResolver) return { info: null };
    const { info, source } = this.datasetResolver(experiment.dataset);
    assertExperimentRuns(experiment, datasetFacts(info, experiment.dataset), what);
    return { info, source };
  }

  /**
   * Checks an experiment as {@link start} would, without storing or starting anything (the sweep
   * service checks every run of a sweep before storing it). Throws like {@link start}.
   */
  check(experiment: ExperimentSpec, what = 'experiment'): void {
    this.resolveDataset(experiment, what);
  }

  /** Subscribes to stored run events; returns the unsubscribe function. */
  onEvent(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores a new run (status `queued`) and hands it to the engine pool. */
  start(experiment: ExperimentSpec): RunSummary {
    const { info, source: dataset } = this.resolveDatasetInfo(experiment);
    const id = newRunId();
    const summary = this.store.createRun({
      id,
      // Stored for readers of the file; summaries compute it afresh (runFromRow), so older runs get one too.
      name: autoRunName(experiment, info?.name ?? null),
      experiment,
      createdAt: this.now().toISOString(),
      appVersion: this.appVersion,
      ownerId: this.owner?.id ?? null,
    });
    this.pool.submit(id, experiment, dataset);
    return summary;
  }

  /**
   * Hands a run that is already stored with status `queued` (e.g. by the sweep store) to the engine
   * pool; its events are persisted like those of any run.
   */
  enqueue(runId: string, experiment: ExperimentSpec): void {
    let dataset: DatasetSource | undefined;
    try {
      dataset = this.resolveDataset(experiment);
    } catch (error) {
      this.onEngineEvent({ type: 'failed', runId, error: (error as Error).message });
      return;
    }
    const original = this.provenanceStore?.reproducesOf(runId);
    this.pool.submit(runId, experiment, dataset, original ? this.recordedSplitOf(original) : undefined);
  }

  private provenanceStore: RunProvenanceStore | null = null;

  /** Stores every started run's reproducibility record (and links reproductions to their originals) in `store`. */
  recordProvenanceIn(store: RunProvenanceStore): void {
    this.provenanceStore = store;
  }

  /** The step layout an original run recorded (provenance split.parts === 2), or undefined for an older run without a record. */
  private recordedSplitOf(originalRunId: string): boolean | undefined {
    const parts = this.store.getRun(originalRunId)?.provenance?.split.parts;
    return parts === undefined ? undefined : parts === 2;
  }

  /**
   * Queues a rerun of a completed or diverged run: its frozen experiment and recorded step layout, as a
   * new run linked to it (provenance.reproduces). An `invalid_input` error for runs in other states.
   */
  reproduce(runId: string): RunSummary {
    const original = this.get(runId);
    if (!REPRODUCIBLE_STATUSES.has(original.status)) {
      throw new InitScopeError('invalid_input', `Run ${runId} is ${original.status}: only a completed or diverged run can be reproduced`);
    }
    if (!this.provenanceStore) throw new InitScopeError('internal', 'This host records no provenance');
    const dataset = this.resolveDataset(original.experiment);
    const id = newRunId();
    const name = `${original.name.slice(0, MAX_RUN_NAME_LENGTH - 8)} (rerun)`;
    this.store.createRun({
      id,
      name,
      // Shown as is (not the automatic name, which would be the original's): the rerun is told apart.
      customName: name,
      experiment: original.experiment,
      createdAt: this.now().toISOString(),
      appVersion: this.appVersion,
    });
    this.provenanceStore.markReproduction(id, runId);
    this.pool.submit(id, original.experiment, dataset, this.recordedSplitOf(runId));
    return this.get(id);
  }

  /** Compares a reproduction with the run it reproduces (see compareReproduction); `invalid_input` for a run that is not one. */
  reproduction(runId: string): ReproductionReport {
    const reproduction = this.get(runId);
    const originalId = this.provenanceStore?.reproducesOf(runId) ?? null;
    if (!originalId) throw new InitScopeError('invalid_input', `Run ${runId} is not a reproduction (see runs/reproduce)`);
    const numbers = (run: RunSummary): StoredRunNumbers => ({ run, curve: this.curve(run.id), layerStats: this.layerStats(run.id) });
    return compareReproduction(numbers(this.get(originalId)), numbers(reproduction));
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

  private layerStatsStore: LayerStatsStore | null = null;
  private layerStatsBuffer: MetricBuffer<LayerStatsRecord> | null = null;

  private unsubscribeWeights: (() => void) | null = null;

  /**
   * Stores the trained weights workers send just before a run ends (`save` writes the files and records
   * them; see main/export/run-weights.ts). A failure is logged: the run itself still ends normally.
   */
  storeWeightsWith(save: (runId: string, tensors: unknown) => void): void {
    this.unsubscribeWeights?.();
    this.unsubscribeWeights = this.pool.onWeights((runId, tensors) => {
      try {
        save(runId, tensors);
      } catch (error) {
        console.error(`InitScope: could not store the trained weights of ${runId}:`, error);
      }
    });
  }

  /** Persists `layerStats` events in `store` (batched like metrics: one transaction per flush). */
  storeLayerStatsIn(store: LayerStatsStore): void {
    this.layerStatsStore = store;
    this.layerStatsBuffer = new MetricBuffer<LayerStatsRecord>((runId, records) => store.append(runId, records));
  }

  /** A run's stored per-layer statistics, at most `maxPoints` evenly spaced steps (pending ones flushed first). */
  layerStats(runId: string, maxPoints?: number): LayerStatsRecord[] {
    this.get(runId);
    this.layerStatsBuffer?.flush(runId);
    return this.layerStatsStore ? this.layerStatsStore.get(runId, maxPoints) : [];
  }

  private stepLossStore: StepLossStore | null = null;
  private stepLossBuffer: MetricBuffer<StepLossPoint> | null = null;

  /** Persists `stepLoss` events in `store` (batched like metrics: one transaction per flush). */
  storeStepLossesIn(store: StepLossStore): void {
    this.stepLossStore = store;
    this.stepLossBuffer = new MetricBuffer<StepLossPoint>((runId, points) => store.append(runId, points));
  }

  /** A run's stored per-step training losses, at most `maxPoints` evenly spaced (pending ones flushed first). */
  stepLosses(runId: string, maxPoints?: number): StepLossPoint[] {
    this.get(runId);
    this.stepLossBuffer?.flush(runId);
    return this.stepLossStore ? this.stepLossStore.get(runId, maxPoints) : [];
  }

  /** Where an experiment's dataset is (undefined for a built-in one), checked as {@link start} checks it (throws likewise). */
  datasetSourceOf(experiment: ExperimentSpec): DatasetSource | undefined {
    return this.resolveDataset(experiment);
  }

  /** Init preview of an experiment in an engine worker (its dataset resolved like a run's). */
  preview(request: Omit<PreviewRequest, 'dataset'>): Promise<PreviewResult[]> {
    const dataset = this.resolveDataset(request.experiment);
    return this.pool.preview({ ...request, ...(dataset ? { dataset } : {}) });
  }

  /**
   * Writes every pending metric point and layer statistic now (a queue coordinator calls it before it
   * acknowledges the events it has handed over, so an acknowledged event is always in the store).
   */
  flushPending(): void {
    this.layerStatsBuffer?.flushAll();
    this.stepLossBuffer?.flushAll();
    this.metrics.flushAll();
  }

  /** μP coordinate check of an experiment in an engine worker (its dataset resolved like a run's). */
  coordCheck(request: CoordCheckRequest): Promise<CoordCheckResult> {
    const dataset = this.resolveDataset(request.experiment);
    return this.pool.coordCheck({ request, ...(dataset ? { dataset } : {}) });
  }

  /** Writes pending metrics and stops listening to the pool. */
  close(): void {
    this.layerStatsBuffer?.flushAll();
    this.stepLossBuffer?.flushAll();
    this.metrics.flushAll();
    this.unsubscribePool();
    this.unsubscribeWeights?.();
  }

  private onEngineEvent(event: RunEvent): void {
    try {
      if (event.type === 'layerStats') this.layerStatsBuffer?.add(event.runId, { step: event.step, epoch: event.epoch, layers: event.layers });
      if (event.type === 'stepLoss') for (const point of event.points) this.stepLossBuffer?.add(event.runId, point);
      if (TERMINAL_EVENT_TYPES.has(event.type)) {
        this.layerStatsBuffer?.flush(event.runId);
        this.stepLossBuffer?.flush(event.runId);
      }
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
        if (event.provenance) this.provenanceStore?.record(event.runId, event.provenance, this.appVersion);
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
