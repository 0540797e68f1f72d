/**
 * The import worker: a child process that decodes one user file (preview or import) and exits, so a
 * malformed or hostile file can exhaust only this process's memory limit, never the host. The host
 * starts it (main/services/import-worker-launcher.ts) with `--max-old-space-size` and the byte budget in
 * `INITSCOPE_IMPORT_MAX_BYTES`, sends one job, and reads back progress and the result.
 *
 * Host → worker: `{ type: 'preview', options }` | `{ type: 'prepare', options, tempFile, importId }`.
 * Worker → host: `{ type: 'progress', phase, unit, done, total }`, then `{ type: 'preview', preview }`,
 * `{ type: 'prepared', prepared }` or `{ type: 'error', error: WireError }`.
 */
import { InitScopeError, type DatasetImportOptions, type WireError } from '../../contract/index.js';
import { ImportProgress } from './import-progress.js';
import { prepareImport } from './prepare-import.js';
import { previewSource } from './preview.js';

type Job = { type: 'preview'; options: DatasetImportOptions } | { type: 'prepare'; options: DatasetImportOptions; tempFile: string; importId: string };

/** An error as it crosses back to the host: import errors keep their code; anything else is `internal`. */
function toWire(error: unknown): WireError {
  if (error instanceof InitScopeError) return error.toWire();
  const message = (error as Error | null)?.message ?? String(error);
  if (error instanceof RangeError && /allocation|Invalid (typed )?array length|out of memory/i.test(message)) {
    return { code: 'invalid_input', message: `the file needs more memory than the import limit allows (${message})` };
  }
  return { code: 'internal', message: `The import worker failed: ${message}` };
}

async function run(job: Job): Promise<unknown> {
  if (job.type === 'preview') return { type: 'preview', preview: await previewSource(job.options) };
  const progress = new ImportProgress(job.importId, job.options.path, (event) =>
    process.send?.({ type: 'progress', phase: event.phase, unit: event.unit, done: event.done, total: event.total }),
  );
  return { type: 'prepared', prepared: await prepareImport(job.options, job.tempFile, progress) };
}

process.once('message', (job: Job) => {
  run(job)
    .catch((error: unknown) => ({ type: 'error', error: toWire(error) }))
    .then((reply) => process.send?.(reply, () => process.exit(0)));
});
process.on('disconnect', () => process.exit(0));
