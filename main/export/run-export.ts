import { resolve } from 'node:path';
import {
  InitScopeError,
  mupReadout,
  type ExportFormat,
  type MetricPoint,
  type RunExportResult,
  type RunSummary,
  type StepLossPoint,
} from '../../contract/index.js';
import { exportLayersModel, computeReferenceOutputs, foldReadout, type TF } from '../../engine/index.js';
import type { ArtifactStore } from '../store/index.js';
import { exportOnnxModel } from './onnx/export-onnx.js';
import { defaultExportDir, safeId } from './paths.js';
import { buildReportHtml } from './report/report-html.js';
import { metricsCsv } from './report/metrics-csv.js';
import { ENDED_STATUSES, reportRunOf } from './report-run.js';
import { hasRunWeights, loadRunWeights } from './run-weights.js';
import { specToJson } from './spec-json.js';
import { TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE } from './tfjs-files.js';
import { writeExportFiles, type PendingFile } from './write-export.js';

/** What an export reads and where it records its files. */
export interface ExportDeps {
  dataDir: string;
  /** The version of InitScope writing the export. */
  appVersion: string;
  runs: { getRun(runId: string): RunSummary | undefined; getMetrics(runId: string): MetricPoint[] };
  artifacts: ArtifactStore;
  /** TensorFlow.js for the tfjs format and the reference outputs (loaded on first use; CPU is enough). */
  loadTf: () => Promise<TF>;
  /** The InitScope version that trained a run (the runs table's app_version), if known. */
  runAppVersion?: (runId: string) => string | null;
  /** The content hash of an imported dataset, if it is still known. */
  storedDatasetHash?: (datasetId: string) => string | null;
  /** A run's stored per-step training losses (reports draw them); absent: reports show the epoch curves only. */
  stepLosses?: (runId: string) => StepLossPoint[];
  now?: () => Date;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The run, checked for this format: models need a completed run, or a cancelled one whose weights
 * were stored; reports need an ended run.
 * @throws InitScopeError `not_found` (unknown run) or `conflict` (wrong status, no weights)
 */
function exportableRun(deps: ExportDeps, runId: string, format: ExportFormat): RunSummary {
  const run = deps.runs.getRun(safeId(runId));
  if (!run) throw new InitScopeError('not_found', `No run with id ${runId}`);
  if (format === 'report') {
    if (!ENDED_STATUSES.has(run.status)) throw new InitScopeError('conflict', `Run ${runId} is ${run.status}; a report can be written once it has ended`);
    return run;
  }
  const weights = hasRunWeights(deps.dataDir, runId);
  if (run.status !== 'completed' && !(run.status === 'cancelled' && weights)) {
    throw new InitScopeError(
      'conflict',
      `Run ${runId} is ${run.status}: only completed runs (or cancelled runs whose weights were stored) can be exported as a ${format} model`,
    );
  }
  if (!weights) {
    throw new InitScopeError(
      'conflict',
      `Run ${runId} has no stored weights (it was trained before InitScope kept them, or the worker could not send them); train it again to export it`,
    );
  }
  return run;
}

/**
 * `provenance.json`: the run's reproducibility record (RunProvenance: seed, data and split hashes,
 * backend, tfjs, kernel set, step layout, InitScope version) in an envelope, or nothing for a run without one.
 */
function provenanceFile(run: RunSummary): PendingFile[] {
  if (!run.provenance) return [];
  return [{ name: 'provenance.json', kind: 'spec', data: json({ format: 'initscope.provenance', version: 1, runId: run.id, provenance: run.provenance }) }];
}

/** The files of one format, with the run's provenance.json. */
async function filesFor(deps: ExportDeps, run: RunSummary, format: ExportFormat, at: Date): Promise<PendingFile[]> {
  return [...(await formatFiles(deps, run, format, at)), ...provenanceFile(run)];
}

/** The files of one format. */
async function formatFiles(deps: ExportDeps, run: RunSummary, format: ExportFormat, at: Date): Promise<PendingFile[]> {
  const network = run.experiment.network;
  const networkFile: PendingFile = { name: 'network.json', kind: 'spec', data: specToJson('network', network) };
  if (format === 'report') {
    const reportRun = reportRunOf(deps, run);
    const html = buildReportHtml([reportRun], { generatedAt: at.toISOString(), appVersion: deps.appVersion });
    return [
      { name: 'report.html', kind: 'report', data: html },
      { name: 'metrics.csv', kind: 'csv', data: metricsCsv([{ runId: run.id, points: reportRun.points }]) },
      { name: 'experiment.json', kind: 'spec', data: specToJson('experiment', run.experiment) },
    ];
  }
  const stored = loadRunWeights(deps.dataDir, run.id);
  const tf = await deps.loadTf();
  // A μP run's readout multiplier is folded into the exported output kernel; reference.json is the engine's own forward pass.
  const readout = mupReadout(network, run.experiment.train.parametrization);
  const weights = foldReadout(network, readout, stored);
  const reference: PendingFile = { name: 'reference.json', kind: format, data: json(computeReferenceOutputs(tf, network, stored, 4, 1, readout)) };
  if (format === 'onnx') {
    const doc = `InitScope run ${run.id} (${run.name}); input 'input' [batch, ${network.inputShape.join(', ')}], channels-last`;
    return [{ name: 'model.onnx', kind: 'onnx', data: exportOnnxModel(network, weights, deps.appVersion, doc) }, reference, networkFile];
  }
  const files = await exportLayersModel(tf, network, weights, TFJS_WEIGHTS_FILE, `InitScope ${deps.appVersion}`);
  return [
    { name: TFJS_MODEL_FILE, kind: 'tfjs', data: `${JSON.stringify(files.modelJson)}\n` },
    { name: TFJS_WEIGHTS_FILE, kind: 'tfjs', data: files.weightsBin },
    reference,
    networkFile,
  ];
}

/**
 * Exports a run: builds every file in memory, refuses to overwrite any existing file, writes them
 * into `outDir` (default `<dataDir>/exports/<runId>/<format>-<time>/`) and records each file's path,
 * size and sha256 in the store (one export id for the set).
 * - tfjs: model.json + weights.bin (tf.loadLayersModel reads them), reference.json, network.json
 * - onnx: model.onnx (opset 13), reference.json, network.json
 * - report: report.html (self-contained), metrics.csv, experiment.json
 * - every format: provenance.json (the run's reproducibility record) when the run has one
 * reference.json holds seeded sample inputs and the engine's outputs for them. For a μP run the models
 * hold the readout kernel times μP's output multiplier (engine/export/fold-readout.ts), so they give
 * the engine's outputs with plain layers.
 * @throws InitScopeError `not_found`, `conflict` (status, missing weights, existing file) or `invalid_input`
 */
export async function exportRun(deps: ExportDeps, runId: string, format: ExportFormat, outDir?: string): Promise<RunExportResult> {
  const at = (deps.now ?? (() => new Date()))();
  const run = exportableRun(deps, runId, format);
  const pending = await filesFor(deps, run, format, at);
  const dir = resolve(outDir ?? defaultExportDir(deps.dataDir, run.id, format, at));
  const files = writeExportFiles(deps.artifacts, [run.id], dir, pending, at);
  return { runId: run.id, format, dir, files };
}
