import { z } from 'zod';
import { DatasetId, DatasetImportRequest, DatasetSourceOptions, SourceHandle, DatasetImportResult, DatasetInfo, DatasetPreview, ImportId } from './dataset.js';
import { BoundarySnapshot } from './boundary.js';
import { CoordCheckRequest, CoordCheckResult } from './coord-check.js';
import { LayerStatsRecord, PreviewResult, SignalPropRecord } from './diagnostics.js';
import { ExperimentSpec } from './experiment.js';
import { CompareReportRequest, CompareReportResult, ExportFormat, RunExportResult, SweepExportResult } from './export.js';
import { InitializerSpec } from './initializer.js';
import { JacobianReport, JacobianRequest, PhaseDiagram, PhaseRequest } from './lab.js';
import type { MethodName } from './method-names.js';
import { ReproductionReport } from './provenance.js';
import { StepLossPoint } from './step-loss.js';
import { MAX_FILTER_LENGTH } from './run-filter.js';
import { MAX_RUN_NOTES_LENGTH, MAX_RUN_TAGS, MetricPoint, RunName, RunSummary, RunTag } from './run.js';
import { SweepAnalysis, SweepAnalysisRequest } from './sweep-analysis.js';
import { SweepDetail, SweepInfo, SweepPlan, SweepSpec, SweepSummary, SweepSummaryRequest } from './sweep.js';

const Empty = z.object({}).strict();
const RunRef = z.object({ runId: z.string().min(1).max(100) }).strict();
const SweepRef = z.object({ sweepId: z.string().min(1).max(100) }).strict();

/** Facts about the host, shown in the About dialog and used by clients to adapt. */
export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  shell: z.enum(['electron', 'browser', 'cli']),
  dataDir: z.string(),
  dbPath: z.string(),
  /** Backend new runs are expected to use (`tensorflow`, `wasm` or `cpu`); the run records the real one. */
  preferredBackend: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/**
 * The contract: one request and one response schema per method. The HTTP routes, the Electron IPC
 * handlers, the preload API and the renderer client are all derived from this map.
 */
export const METHODS = {
  'app/info': { request: Empty, response: AppInfo },
  'datasets/list': { request: Empty, response: z.array(DatasetInfo) },
  /** Reads a file (or image folder), by its source handle, and describes it without storing anything. */
  'datasets/preview': { request: DatasetSourceOptions, response: DatasetPreview },
  /**
   * Imports a file into the data folder; an identical earlier import is returned instead (`existing`).
   * Progress goes out as `datasetImportProgress` events under `importId` (the client's, else the host's own).
   */
  'datasets/import': { request: DatasetImportRequest, response: DatasetImportResult },
  /**
   * Cancels a running import (it rejects with a `conflict` error whose details say `cancelled: true`, and
   * stores nothing); `cancelled` is false when no such import is running or it is already committing.
   */
  'datasets/cancelImport': { request: z.object({ importId: ImportId }).strict(), response: z.object({ cancelled: z.boolean() }) },
  /**
   * Drops a source handle the client no longer needs: an upload's files are deleted (imports do this
   * themselves when they end); `released` is false for an unknown handle.
   */
  'datasets/releaseSource': { request: z.object({ source: SourceHandle }).strict(), response: z.object({ released: z.boolean() }) },
  /** Removes an imported dataset and its stored file. */
  'datasets/delete': { request: z.object({ id: DatasetId }).strict(), response: z.object({ deleted: z.boolean() }) },
  'runs/start': { request: z.object({ experiment: ExperimentSpec }).strict(), response: RunSummary },
  'runs/cancel': { request: RunRef, response: RunSummary },
  /**
   * Stored runs, newest first. `filter`: filter text (contract/run-filter.ts: `activation=tanh tag:baseline
   * spiral`); `offset`/`limit`: one page of the matching runs. A bad filter is an `invalid_input` error.
   */
  'runs/list': {
    request: z
      .object({
        filter: z.string().max(MAX_FILTER_LENGTH).optional(),
        offset: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(100000).optional(),
      })
      .strict(),
    response: z.array(RunSummary),
  },
  'runs/get': { request: RunRef, response: RunSummary },
  /** Gives a run a name of the user's (`name`), or back its automatic one (`name: null`). */
  'runs/rename': { request: z.object({ runId: z.string().min(1).max(100), name: RunName.nullable() }).strict(), response: RunSummary },
  /**
   * Adds and removes tags of a run in one write (a tag both added and removed ends removed); changes by
   * other clients to other tags are kept. At most MAX_RUN_TAGS tags per run.
   */
  'runs/tag': {
    request: z
      .object({
        runId: z.string().min(1).max(100),
        add: z.array(RunTag).max(MAX_RUN_TAGS).default([]),
        remove: z.array(RunTag).max(MAX_RUN_TAGS).default([]),
      })
      .strict(),
    response: RunSummary,
  },
  /** Replaces a run's notes ('' clears them). */
  'runs/setNotes': { request: z.object({ runId: z.string().min(1).max(100), notes: z.string().max(MAX_RUN_NOTES_LENGTH) }).strict(), response: RunSummary },
  /**
   * Deletes an ended run: its rows (metrics, layer statistics, tags, sweep place, artifact records) and
   * its files in the data folder (trained weights, exports). A queued or running run is refused with a
   * `conflict` error (stop it first), an unknown one with `not_found`. `filesRemoved`: files deleted from disk.
   */
  'runs/delete': { request: RunRef, response: z.object({ deleted: z.boolean(), filesRemoved: z.number().int().min(0) }) },
  /**
   * Reruns a completed or diverged run from its record: the same frozen experiment and step layout
   * (provenance.split), queued as a new run whose provenance names the original (`reproduces`).
   * Compare them with 'runs/reproduction' once it has ended.
   */
  'runs/reproduce': { request: RunRef, response: RunSummary },
  /**
   * Compares a reproduction (a run made by 'runs/reproduce') with its original: identical, or the first
   * epoch and metric that differs, and which provenance fields differ. `pending` until it has ended.
   */
  'runs/reproduction': { request: RunRef, response: ReproductionReport },
  'runs/metrics': {
    request: z.object({ runId: z.string().min(1).max(100), maxPoints: z.number().int().min(2).max(100000).optional() }).strict(),
    response: z.array(MetricPoint),
  },
  /** Stored per-layer statistics of a run, by step; at most `maxPoints` evenly spaced steps (first and last kept). */
  /**
   * Writes a completed run (or a cancelled one with stored weights) as a TensorFlow.js or ONNX model,
   * or any ended run as an HTML report + CSV, into a new folder under the data folder's `exports/`.
   * Every file's sha256 is recorded in the store.
   */
  'runs/export': { request: z.object({ runId: z.string().min(1).max(100), format: ExportFormat }).strict(), response: RunExportResult },
  /**
   * Writes a comparison of 2–8 ended runs into a new folder under the data folder's `exports/comparisons/`:
   * `report.html` (self-contained: overlaid curves, final metrics, configuration diff, reproducibility
   * record per run) and `metrics.csv` (every run's stored curve, long format). Every file's sha256 is
   * recorded in the store for each run compared.
   */
  'runs/compareReport': { request: CompareReportRequest, response: CompareReportResult },
  /**
   * A run's stored per-step training losses (see StepLossPoint), in step order; at most `maxPoints`
   * evenly spaced points, the first and the last (a divergence's null) kept.
   */
  'runs/stepLosses': {
    request: z.object({ runId: z.string().min(1).max(100), maxPoints: z.number().int().min(2).max(100000).optional() }).strict(),
    response: z.array(StepLossPoint),
  },
  'runs/layerStats': {
    request: z.object({ runId: z.string().min(1).max(100), maxPoints: z.number().int().min(2).max(100000).optional() }).strict(),
    response: z.array(LayerStatsRecord),
  },
  /**
   * Signal propagation of a run's residual blocks (see SignalPropBlock) at each recorded step, in step
   * order: step 0 is the untrained network (measured before the first update), then every
   * `train.statsEvery` steps like `runs/layerStats`; at most `maxPoints` evenly spaced records, the first
   * and the last kept. Empty for a run without residual blocks.
   */
  'runs/signalProp': {
    request: z.object({ runId: z.string().min(1).max(100), maxPoints: z.number().int().min(2).max(100000).optional() }).strict(),
    response: z.array(SignalPropRecord),
  },
  /**
   * The decision-boundary picture of a run on a 2-D dataset: the latest one while it trains, the final
   * one once it ended; null when it has none (other inputs, not started, or ended before its first
   * picture). A stored picture that cannot be read is an `internal` error naming its file.
   */
  'runs/boundary': { request: RunRef, response: BoundarySnapshot.nullable() },
  /**
   * Init preview: one forward and backward pass of a probe batch through the untrained network, per
   * layer activation and gradient statistics next to theory. With `initializers`, one result per
   * initializer, each applied to the kernel of every dense/conv2d layer; without, the network's own.
   */
  'engine/preview': {
    request: z
      .object({
        experiment: ExperimentSpec,
        initializers: z.array(InitializerSpec).max(32).optional(),
        probeSize: z.number().int().min(2).max(4096).optional(),
      })
      .strict(),
    response: z.array(PreviewResult),
  },
  /**
   * Order–chaos phase diagram (Schoenholz et al. 2017) of an activation over σ_w² × σ_b²: q*, χ₁, the
   * critical line χ₁ = 1, the depth scales ξ_q and ξ_c, and the given network as points. Computed in an engine worker.
   */
  'lab/phase': { request: PhaseRequest, response: PhaseDiagram },
  /**
   * Input–output Jacobian singular-value spectra per layer (Pennington et al. 2017) of an experiment's
   * untrained network, or of a run's: at init and, when its trained weights are stored, trained.
   */
  'lab/jacobian': { request: JacobianRequest, response: JacobianReport },
  /**
   * μP coordinate check (Yang & Hu 2021): the experiment's MLP trained for a few steps at several
   * widths under standard parametrization and μP; mean |activation| per layer, step and width.
   */
  'lab/coordCheck': { request: CoordCheckRequest, response: CoordCheckResult },
  /** Expands a sweep without starting it: axis sizes and run count (refuses sweeps over MAX_SWEEP_RUNS). */
  'sweeps/plan': { request: z.object({ sweep: SweepSpec }).strict(), response: SweepPlan },
  'sweeps/start': { request: z.object({ sweep: SweepSpec }).strict(), response: SweepInfo },
  'sweeps/list': { request: Empty, response: z.array(SweepInfo) },
  'sweeps/get': { request: SweepRef, response: SweepDetail },
  /** Drops the sweep's queued runs and stops its running ones (within one step). */
  'sweeps/cancel': { request: SweepRef, response: SweepInfo },
  /** Requeues the runs of an interrupted or cancelled sweep that did not end (completed/diverged/failed stay). */
  'sweeps/resume': { request: SweepRef, response: SweepInfo },
  'sweeps/summary': { request: SweepSummaryRequest, response: SweepSummary },
  /**
   * Writes the CSV of every run of a sweep (one row per run: grid place, status, flattened configuration
   * `config.…`, final metrics) into `<dataDir>/exports/sweeps/<sweepId>/`; its sha256 is recorded.
   */
  'sweeps/export': { request: SweepRef, response: SweepExportResult },
  /** Every run as a line through its axis values and metric, and each axis's permutation importance for the metric. */
  'sweeps/analysis': { request: SweepAnalysisRequest, response: SweepAnalysis },
} as const satisfies Record<MethodName, { request: z.ZodType; response: z.ZodType }>;

export type Methods = typeof METHODS;
/** What a caller passes (defaults may be omitted). */
export type RequestOf<M extends MethodName> = z.input<Methods[M]['request']>;
/** What a handler receives, after parsing. */
export type ParsedRequestOf<M extends MethodName> = z.output<Methods[M]['request']>;
/** What a handler returns and a caller receives. */
export type ResponseOf<M extends MethodName> = z.output<Methods[M]['response']>;

/** The service side: one async function per method. */
export type Handlers = { [M in MethodName]: (request: ParsedRequestOf<M>) => Promise<ResponseOf<M>> };

/** True if `name` is a method of the contract (guards against `__proto__` and friends). */
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}
