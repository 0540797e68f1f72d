import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DATASET_IMPORT_PHASES, DATASET_IMPORT_UNITS, DatasetFormat, DatasetPreview, InitScopeError, type DatasetImportOptions } from '../../contract/index.js';
import type { DatasetFileHeader } from '../../engine/index.js';
import { importCancelledError, type ImportProgress } from '../datasets/import-progress.js';
import type { PreparedImport, SourceDecoder } from '../datasets/prepare-import.js';

/**
 * Memory one import worker may use, in MiB: `INITSCOPE_IMPORT_MEMORY_MB` when set, else an eighth of
 * the machine's memory, between 512 MiB and 2 GiB. The worker's JavaScript heap gets this much
 * (`--max-old-space-size`), each large allocation at most half of it (checked before allocating), and the
 * whole process is killed when its resident memory passes twice this plus 256 MiB.
 */
export function importMemoryLimitMb(): number {
  const fromEnv = Number(process.env.INITSCOPE_IMPORT_MEMORY_MB);
  if (Number.isFinite(fromEnv) && fromEnv >= 64) return Math.floor(fromEnv);
  return Math.max(512, Math.min(2048, Math.floor(os.totalmem() / 8 / 1024 ** 2)));
}

/** Where the import worker entry lives: compiled next to the host, else the TypeScript source through tsx (tests). */
export function resolveImportWorkerEntry(): { path: string; execArgv: string[] } {
  const compiled = fileURLToPath(new URL('../datasets/import-worker.js', import.meta.url));
  if (existsSync(compiled)) return { path: compiled, execArgv: [] };
  return { path: fileURLToPath(new URL('../datasets/import-worker.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}

/** Resident memory of a process in bytes (Linux /proc); null where that cannot be read. */
export function residentBytes(pid: number): number | null {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : null;
  } catch {
    return null;
  }
}

const WorkerError = z.object({
  code: z.enum(['invalid_input', 'unauthorized', 'not_found', 'unknown_method', 'conflict', 'internal']),
  message: z.string().max(20_000),
  details: z.unknown().optional(),
});
const Counts = z.object({ train: z.number().int().min(0), validation: z.number().int().min(0), test: z.number().int().min(0) });
/** A worker's `prepared` answer, checked before the host stores anything it names. */
const Prepared = z.object({
  tempFile: z.string(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  format: DatasetFormat,
  classCounts: z.array(z.number().int().min(0)).max(100_000),
  testSource: z.string().min(1).max(4096).optional(),
  numericHeader: z.array(z.string().max(10_000)).max(100_000).optional(),
  header: z
    .object({
      version: z.literal(1),
      samples: z.number().int().min(0),
      inputShape: z.array(z.number().int().positive()),
      numClasses: z.number().int().min(0),
      featureDtype: z.enum(['uint8', 'float32']),
      counts: Counts,
      normalization: z.object({ kind: z.enum(['none', 'unit', 'standardize']) }).passthrough(),
      classNames: z.array(z.string()).optional(),
      imageShape: z.array(z.number().int().positive()).optional(),
    })
    .strict(),
});
const Progress = z.object({
  type: z.literal('progress'),
  phase: z.enum(DATASET_IMPORT_PHASES),
  unit: z.enum(DATASET_IMPORT_UNITS),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
});

/** Options of {@link workerSourceDecoder}. */
export interface ImportWorkerOptions {
  /** Memory limit per worker in MiB (default {@link importMemoryLimitMb}). */
  memoryMb?: number;
  /** How often the worker's resident memory is checked, in ms (default 50). */
  watchMs?: number;
}

/**
 * A {@link SourceDecoder} that decodes every preview and import in a fresh, memory-limited worker
 * process (main/datasets/import-worker.ts), so a decompression bomb or a file that claims absurd sizes
 * ends that worker with a clear error while the host keeps serving; the host never holds the decoded data.
 * A cancelled import kills its worker at once.
 */
export function workerSourceDecoder(options: ImportWorkerOptions = {}): SourceDecoder {
  const entry = resolveImportWorkerEntry();
  const memoryMb = options.memoryMb ?? importMemoryLimitMb();
  const budgetBytes = Math.floor((memoryMb * 1024 ** 2) / 2);
  const rssLimit = (2 * memoryMb + 256) * 1024 ** 2;
  const watchMs = options.watchMs ?? 50;

  const run = (job: Record<string, unknown>, what: string, progress?: ImportProgress): Promise<unknown> =>
    new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = fork(entry.path, [], {
          execArgv: [...entry.execArgv, `--max-old-space-size=${memoryMb}`],
          env: { ...process.env, INITSCOPE_IMPORT_MAX_BYTES: String(budgetBytes) },
          stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
          serialization: 'advanced',
        });
      } catch (error) {
        reject(new InitScopeError('internal', `Could not start the import worker: ${(error as Error).message}`));
        return;
      }
      let settled = false;
      let overMemory = false;
      const signal = progress?.cancelSignal;
      const finish = (outcome: unknown, failed: boolean): void => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        signal?.removeEventListener('abort', onAbort);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        if (failed) reject(outcome);
        else resolve(outcome);
      };
      const onAbort = (): void => finish(importCancelledError(progress?.importId ?? 'import', what), true);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
      const watch = setInterval(() => {
        const rss = child.pid === undefined ? null : residentBytes(child.pid);
        if (rss !== null && rss > rssLimit) {
          overMemory = true;
          child.kill('SIGKILL');
        }
      }, watchMs);
      watch.unref();
      const memoryError = (): InitScopeError =>
        new InitScopeError(
          'invalid_input',
          `${what}: reading it needed more than the import memory limit (${memoryMb} MiB heap, ${Math.round(rssLimit / 1024 ** 2)} MiB in all); ` +
            'the file may be a decompression bomb or claim sizes it does not hold. Nothing was stored.',
          { file: what },
        );
      child.on('message', (message: unknown) => {
        const m = message as { type?: unknown };
        if (m?.type === 'progress') {
          const p = Progress.safeParse(message);
          if (p.success && !settled) progress?.relay(p.data.phase, p.data.unit, p.data.done, p.data.total);
          return;
        }
        if (m?.type === 'error') {
          const e = WorkerError.safeParse((message as { error?: unknown }).error);
          finish(
            e.success
              ? new InitScopeError(e.data.code, e.data.message, e.data.details)
              : new InitScopeError('internal', 'The import worker sent a malformed error'),
            true,
          );
          return;
        }
        finish(message, false);
      });
      child.once('error', (error) => finish(new InitScopeError('internal', `The import worker failed: ${error.message}`), true));
      child.once('exit', (code, sig) => {
        if (settled) return;
        // V8 aborts (SIGABRT / exit 134, or SIGTRAP) when its heap limit is reached.
        if (overMemory || sig === 'SIGABRT' || sig === 'SIGTRAP' || code === 134) finish(memoryError(), true);
        else
          finish(
            new InitScopeError('internal', `The import worker stopped unexpectedly (${code === null ? `signal ${sig}` : `exit code ${code}`}) reading ${what}`),
            true,
          );
      });
      child.send(job);
    });

  return {
    async preview(options: DatasetImportOptions) {
      const reply = (await run({ type: 'preview', options }, options.path)) as { type?: unknown; preview?: unknown };
      const parsed = reply?.type === 'preview' ? DatasetPreview.safeParse(reply.preview) : null;
      if (!parsed?.success) throw new InitScopeError('internal', 'The import worker sent a malformed preview');
      return parsed.data;
    },
    async prepare(options: DatasetImportOptions, tempFile: string, progress: ImportProgress): Promise<PreparedImport> {
      const reply = (await run({ type: 'prepare', options, tempFile, importId: progress.importId }, options.path, progress)) as {
        type?: unknown;
        prepared?: unknown;
      };
      const parsed = reply?.type === 'prepared' ? Prepared.safeParse(reply.prepared) : null;
      if (!parsed?.success || parsed.data.tempFile !== tempFile) throw new InitScopeError('internal', 'The import worker sent a malformed result');
      return { ...parsed.data, header: parsed.data.header as DatasetFileHeader };
    },
  };
}
