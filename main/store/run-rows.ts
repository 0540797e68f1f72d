import { autoRunName, ExperimentSpec, RunStatus, type FinalMetrics, type MetricPoint, type RunSummary } from '../../contract/index.js';
import { provenanceFromJson } from './run-provenance.js';
import { parseStoredSpec } from './stored-spec.js';

/** A `runs` row as SELECTed by {@link RUN_COLUMNS}. */
export interface RunRow {
  id: string;
  name: string;
  status: string;
  experiment_json: string;
  backend: string | null;
  tfjs_version: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  epochs_done: number;
  train_loss: number | null;
  train_acc: number | null;
  val_loss: number | null;
  val_acc: number | null;
  test_loss: number | null;
  test_acc: number | null;
  error: string | null;
  diverged_at_step: number | null;
  diverged_layer: string | null;
  provenance_json: string | null;
  /** The user's name (migration 0007); null: automatic. */
  custom_name: string | null;
  notes: string;
  /** The imported dataset's name (joined from `datasets`), or null. */
  dataset_name: string | null;
  /** The run's tags joined by single spaces (tags have none), or null. */
  tags: string | null;
}

/** A `metrics` row as SELECTed by {@link METRIC_COLUMNS}. */
export interface MetricRow {
  epoch: number;
  step: number;
  train_loss: number | null;
  train_acc: number | null;
  val_loss: number | null;
  val_acc: number | null;
  elapsed_ms: number;
}

/** The `runs` columns a {@link RunSummary} needs (SELECTed `FROM runs`, unaliased: the subqueries name `runs.`). */
export const RUN_COLUMNS =
  'id, name, status, experiment_json, backend, tfjs_version, created_at, started_at, finished_at, epochs_done, ' +
  'train_loss, train_acc, val_loss, val_acc, test_loss, test_acc, error, diverged_at_step, diverged_layer' +
  ', provenance_json, custom_name, notes' +
  // The imported dataset's name, for the automatic name (a built-in's ref has no id: null).
  ", (SELECT d.name FROM datasets d WHERE d.id = json_extract(runs.experiment_json, '$.dataset.id')) AS dataset_name" +
  // Tags through their primary key (run_id, tag): one indexed lookup per row, no query per run.
  ", (SELECT group_concat(t.tag, ' ') FROM run_tags t WHERE t.run_id = runs.id) AS tags";

/** The `metrics` columns a {@link MetricPoint} needs. */
export const METRIC_COLUMNS = 'epoch, step, train_loss, train_acc, val_loss, val_acc, elapsed_ms';

/**
 * Maps a `runs` row to the contract's {@link RunSummary}; the frozen spec is parsed with
 * {@link ExperimentSpec} (so defaults added by later versions are filled in, unknown keys dropped).
 * Throws an `internal` error if the stored spec no longer parses.
 */
export function runFromRow(row: RunRow): RunSummary {
  const experiment = parseStoredExperiment(row.id, row.experiment_json);
  return {
    id: row.id,
    // The user's name, else the automatic one from the frozen experiment (also for runs stored before names were automatic).
    name: row.custom_name ?? autoRunName(experiment, row.dataset_name),
    status: RunStatus.parse(row.status),
    experiment,
    backend: row.backend,
    tfjsVersion: row.tfjs_version,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    epochsDone: row.epochs_done,
    metrics: metricsFromRow(row),
    error: row.error,
    divergedAtStep: row.diverged_at_step,
    divergedLayer: row.diverged_layer,
    provenance: provenanceFromJson(row.provenance_json),
    customName: row.custom_name,
    datasetName: row.dataset_name,
    tags: row.tags ? row.tags.split(' ').sort() : [],
    notes: row.notes,
  };
}

/** The final metrics of a `runs` row (test metrics only where they were evaluated: non-null columns). */
export function metricsFromRow(row: Pick<RunRow, 'train_loss' | 'train_acc' | 'val_loss' | 'val_acc' | 'test_loss' | 'test_acc'>): FinalMetrics {
  return {
    trainLoss: row.train_loss,
    trainAcc: row.train_acc,
    valLoss: row.val_loss,
    valAcc: row.val_acc,
    ...(row.test_loss !== null || row.test_acc !== null ? { testLoss: row.test_loss, testAcc: row.test_acc } : {}),
  };
}

/** Maps a `metrics` row to the contract's {@link MetricPoint}. */
export function metricFromRow(row: MetricRow): MetricPoint {
  return {
    epoch: row.epoch,
    step: row.step,
    trainLoss: row.train_loss,
    trainAcc: row.train_acc,
    valLoss: row.val_loss,
    valAcc: row.val_acc,
    elapsedMs: row.elapsed_ms,
  };
}

function parseStoredExperiment(runId: string, json: string): ExperimentSpec {
  return parseStoredSpec(ExperimentSpec, json, `Run ${runId}`);
}
