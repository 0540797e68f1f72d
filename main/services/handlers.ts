import type { AppInfo, DatasetSourceOptions, Handlers } from '../../contract/index.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { SourceRegistry } from '../datasets/source-registry.js';
import type { CompareReporter, RunExporter } from '../export/run-exporter.js';
import type { RunManagement } from './run-management.js';
import type { BoundaryService } from './boundary-service.js';
import type { SweepExporter } from '../export/sweep-export.js';
import type { LabService } from './lab-service.js';
import type { RunService } from './run-service.js';
import { sweepHandlers } from './sweep-handlers.js';
import type { SweepService } from './sweep-service.js';

/** What the handlers need besides the run service. */
export interface HandlerContext {
  runs: RunService;
  /** Rename, tags, notes, deletion and filtered lists of runs. */
  manage: RunManagement;
  /** Decision-boundary pictures (absent: `runs/boundary` answers null for every known run). */
  boundaries?: Pick<BoundaryService, 'get'>;
  sweeps: SweepService;
  info: AppInfo;
  datasets: Pick<DatasetService, 'list' | 'preview' | 'import' | 'delete' | 'cancelImport'>;
  /** The source handles clients name files by (uploads, dialog choices, CLI paths). */
  sources: SourceRegistry;
  /** Writes exports into the data folder (see main/export/run-export.ts). */
  exportRun: RunExporter;
  /** Writes comparison reports into the data folder (see main/export/compare-report.ts). */
  compareRuns: CompareReporter;
  /** Writes a sweep's CSV into the data folder (see main/export/sweep-export.ts). */
  exportSweep: SweepExporter;
  /** The signal-propagation lab (phase diagram, Jacobian spectrum). */
  lab: LabService;
}

/** Every source handle a request names (main, labels, test, test labels), each once. */
function handlesOf(options: DatasetSourceOptions): string[] {
  const all = [options.source, options.labelsSource, options.testSource, options.testLabelsSource];
  return [...new Set(all.filter((h): h is string => h !== undefined))];
}

/** An error with the host paths of every upload the request names replaced by the names the page uploaded. */
function redactAll(sources: SourceRegistry, options: DatasetSourceOptions, error: unknown): unknown {
  return handlesOf(options).reduce((e, handle) => sources.redact(handle, e), error);
}

/** Implements every contract method once; the shells (HTTP, Electron IPC, CLI) only carry them. */
export function createHandlers({
  runs,
  manage,
  boundaries,
  sweeps,
  info,
  datasets,
  sources,
  exportRun,
  compareRuns,
  exportSweep,
  lab,
}: HandlerContext): Handlers {
  return {
    'app/info': async () => info,
    'datasets/list': async () => datasets.list(),
    // Files are named by source handles only (see SourceRegistry); errors about uploads name the upload, not the host path.
    'datasets/preview': async (options) => {
      try {
        return await datasets.preview(sources.resolveOptions(options));
      } catch (error) {
        throw redactAll(sources, options, error);
      }
    },
    // An import consumes its uploads, whatever its outcome (success, error or cancel).
    'datasets/import': async ({ importId, ...options }) => {
      try {
        return await datasets.import(sources.resolveOptions(options), importId ? { importId } : {});
      } catch (error) {
        throw redactAll(sources, options, error);
      } finally {
        for (const handle of handlesOf(options)) if (sources.isUpload(handle)) sources.release(handle);
      }
    },
    'datasets/releaseSource': async ({ source }) => ({ released: sources.release(source) }),
    'datasets/cancelImport': async ({ importId }) => ({ cancelled: datasets.cancelImport(importId) }),
    'datasets/delete': async ({ id }) => ({ deleted: datasets.delete(id) }),
    'runs/start': async ({ experiment }) => runs.start(experiment),
    'runs/cancel': async ({ runId }) => runs.cancel(runId),
    'runs/list': async (query) => manage.list(query),
    'runs/rename': async ({ runId, name }) => manage.rename(runId, name),
    'runs/tag': async ({ runId, add, remove }) => manage.tag(runId, add, remove),
    'runs/setNotes': async ({ runId, notes }) => manage.setNotes(runId, notes),
    'runs/delete': async ({ runId }) => manage.delete(runId),
    'runs/get': async ({ runId }) => runs.get(runId),
    'runs/reproduce': async ({ runId }) => runs.reproduce(runId),
    'runs/reproduction': async ({ runId }) => runs.reproduction(runId),
    'runs/metrics': async ({ runId, maxPoints }) => runs.curve(runId, maxPoints),
    'runs/layerStats': async ({ runId, maxPoints }) => runs.layerStats(runId, maxPoints),
    'runs/signalProp': async ({ runId, maxPoints }) => runs.signalProp(runId, maxPoints),
    'runs/stepLosses': async ({ runId, maxPoints }) => runs.stepLosses(runId, maxPoints),
    'runs/boundary': async ({ runId }) => (boundaries ? boundaries.get(runId) : (runs.get(runId), null)),
    // No output folder from clients: exports always go to a new folder under <dataDir>/exports/.
    'runs/export': async ({ runId, format }) => exportRun(runId, format),
    'runs/compareReport': async ({ runIds }) => compareRuns(runIds),
    'engine/preview': async ({ experiment, initializers, probeSize }) =>
      runs.preview({ experiment, ...(initializers ? { initializers } : {}), ...(probeSize !== undefined ? { probeSize } : {}) }),
    'lab/phase': async (request) => lab.phase(request),
    'lab/jacobian': async (request) => lab.jacobian(request),
    'lab/coordCheck': async (request) => runs.coordCheck(request),
    ...sweepHandlers(sweeps, exportSweep),
  };
}
