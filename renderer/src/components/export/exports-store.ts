import { defineStore } from 'pinia';
import { ref } from 'vue';
import { InitScopeError, type ExportFormat, type RunExportResult, type RunSummary } from '../../../../contract/index.js';
import { useHost } from '../../host.js';
import { deliverExportedFiles } from '../../lib/file-download.js';
import { exportAvailability } from './export-logic.js';

/** The state of one (run, format) export: in flight, written (with its files) or refused. */
export interface ExportState {
  busy: boolean;
  result: RunExportResult | null;
  /** The host's refusal or failure: its code (`conflict`, `not_found`, …) and message. */
  error: { code: string; message: string } | null;
}

function idle(): ExportState {
  return { busy: false, result: null, error: null };
}

/** Exports written from the Run view, per run and format, kept while the app is open. */
export const useExportsStore = defineStore('exports', () => {
  const byRun = ref<Record<string, Partial<Record<ExportFormat, ExportState>>>>({});

  /** The state of `format` for run `runId` (idle when never exported). */
  function stateOf(runId: string, format: ExportFormat): ExportState {
    return byRun.value[runId]?.[format] ?? idle();
  }

  function put(runId: string, format: ExportFormat, state: ExportState): void {
    byRun.value = { ...byRun.value, [runId]: { ...byRun.value[runId], [format]: state } };
  }

  /**
   * Asks the host to write `format` for `run` (runs/export). A run the UI knows cannot be exported is
   * refused here with the same `conflict` code the host would use; the host's own refusal (for
   * example a cancelled run without stored weights) is kept as the state's error.
   */
  async function exportRun(run: RunSummary, format: ExportFormat): Promise<RunExportResult | null> {
    const current = stateOf(run.id, format);
    if (current.busy) return null;
    if (!exportAvailability(run.status, format).enabled) {
      put(run.id, format, { ...current, error: { code: 'conflict', message: `Run ${run.id} is ${run.status}` } });
      return null;
    }
    put(run.id, format, { busy: true, result: current.result, error: null });
    try {
      const result = await useHost().client.call('runs/export', { runId: run.id, format });
      put(run.id, format, { busy: false, result, error: null });
      // The files are written in the host's data folder, and also handed to the user: a download in
      // browser mode, the save dialog on the desktop; several files (model.json + weights.bin) as one zip.
      void deliverExportedFiles(result.files, `${run.id}-${format}`).catch(() => undefined);
      return result;
    } catch (cause) {
      const error =
        cause instanceof InitScopeError
          ? { code: cause.code, message: cause.message }
          : { code: 'internal', message: cause instanceof Error ? cause.message : String(cause) };
      put(run.id, format, { busy: false, result: null, error });
      return null;
    }
  }

  return { byRun, stateOf, exportRun };
});
