import type { RunSummary } from '../../contract/index.js';
import { datasetFingerprint } from './dataset-hash.js';
import type { ReportRun } from './report/report-html.js';
import type { ExportDeps } from './run-export.js';

/** Statuses whose run has ended (a report or comparison can be written for any of them). */
export const ENDED_STATUSES: ReadonlySet<RunSummary['status']> = new Set(['completed', 'cancelled', 'failed', 'diverged', 'interrupted']);

/**
 * A run as a report shows it: its summary, every stored metric row (one per recorded epoch, not
 * downsampled), its per-step training losses where the deps give them, and its reproducibility record (seed, backend, tfjs version, the InitScope version that
 * trained it, the dataset reference and the sha256 of its content, and the engine's record: kernel set,
 * step layout, data and split hashes as trained on).
 */
export function reportRunOf(deps: Pick<ExportDeps, 'runs' | 'runAppVersion' | 'storedDatasetHash' | 'stepLosses'>, run: RunSummary): ReportRun {
  const fingerprint = datasetFingerprint(run.experiment.dataset, deps.storedDatasetHash ?? (() => null));
  return {
    summary: run,
    points: deps.runs.getMetrics(run.id),
    ...(deps.stepLosses ? { stepPoints: deps.stepLosses(run.id) } : {}),
    reproducibility: {
      seed: run.experiment.train.seed,
      backend: run.backend,
      tfjsVersion: run.tfjsVersion,
      appVersion: deps.runAppVersion?.(run.id) ?? null,
      dataset: fingerprint.label,
      datasetHash: fingerprint.hash,
      provenance: run.provenance ?? null,
    },
  };
}
