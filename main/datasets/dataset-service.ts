import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  InitScopeError,
  isStoredDatasetRef,
  type DatasetImportEvent,
  type DatasetImportOptions,
  type DatasetImportResult,
  type DatasetInfo,
  type DatasetPreview,
  type DatasetRef,
} from '../../contract/index.js';
import { listBuiltinDatasets, type DatasetSource } from '../../engine/index.js';
import type { DatasetStore } from '../store/index.js';
import { defaultDatasetName, describeImported } from './describe.js';
import { ImportProgress } from './import-progress.js';
import { inProcessDecoder, type SourceDecoder } from './prepare-import.js';

/** Folder (inside the data folder) that holds imported datasets' files. */
export const DATASETS_FOLDER = 'datasets';

/** What a run needs to know about its dataset: its description and, for an imported one, its file. */
export interface ResolvedDataset {
  info: DatasetInfo;
  source?: DatasetSource;
}

/** Progress and cancellation of a long import. */
export interface ImportControl {
  /** The id progress events carry and `cancelImport` takes (default: a random `imp_…`). */
  importId?: string;
  /** Receives this import's progress events (besides the service's {@link DatasetService.onImportEvent} listeners). */
  onProgress?: (event: DatasetImportEvent) => void;
  /** Cancels the import at its next pause (as `cancelImport` does). */
  signal?: AbortSignal;
}

/**
 * Imported datasets: reads files in the supported formats, stores them in the data folder in a compact
 * binary form (`datasets/<id>.isds`, see engine/datasets/dataset-file.ts) named by a content hash, and
 * resolves experiments' dataset references for the engine.
 *
 * An import either stores a complete dataset (file written to a temporary name, renamed into place,
 * then recorded) or nothing: a bad file leaves no file, no row, and earlier datasets untouched.
 * Importing identical content (same data and options) returns the stored dataset (`existing: true`).
 */
export class DatasetService {
  /** Running imports by id: their abort controllers and progress (sealed once committing). */
  private readonly running = new Map<string, { abort: AbortController; progress: ImportProgress }>();
  private readonly importListeners = new Set<(event: DatasetImportEvent) => void>();

  /**
   * @param decoder reads user files: the host passes one that decodes in a memory-limited worker process
   *   (main/services/import-worker-launcher.ts); the default decodes in this process (tests)
   */
  constructor(
    private readonly store: DatasetStore,
    private readonly dataDir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly decoder: SourceDecoder = inProcessDecoder,
  ) {}

  /** Built-in datasets followed by imported ones (newest first). */
  list(): DatasetInfo[] {
    return [...listBuiltinDatasets(), ...this.listImported()];
  }

  /** Imported datasets, newest first. */
  listImported(): DatasetInfo[] {
    return this.store.list().map((d) => d.info);
  }

  /** Reads a source and describes it (shape, class counts, a few samples) without storing anything. */
  preview(options: DatasetImportOptions): Promise<DatasetPreview> {
    return this.decoder.preview(options);
  }

  /** Subscribes to every import's progress events; returns an unsubscribe function. */
  onImportEvent(listener: (event: DatasetImportEvent) => void): () => void {
    this.importListeners.add(listener);
    return () => {
      this.importListeners.delete(listener);
    };
  }

  /**
   * Cancels a running import: it rejects with the cancelled error (`conflict`, details `cancelled: true`)
   * and stores nothing. False if no import with that id is running or it is already committing.
   */
  cancelImport(importId: string): boolean {
    const entry = this.running.get(importId);
    if (!entry || entry.progress.sealed) return false;
    entry.abort.abort();
    return true;
  }

  /**
   * Imports a source (see the class comment); errors are `invalid_input` naming the file and place.
   * Runs in slices that yield to the event loop, reporting `reading` → `decoding` → `writing` progress
   * under `control.importId`; cancellable (`cancelImport`, `control.signal`) until the stored file is
   * renamed into place. A cancelled or failed import leaves no file and no row.
   */
  async import(options: DatasetImportOptions, control: ImportControl = {}): Promise<DatasetImportResult> {
    const importId = control.importId ?? `imp_${randomBytes(8).toString('hex')}`;
    if (this.running.has(importId)) throw new InitScopeError('conflict', `An import with id ${importId} is already running`);
    const abort = new AbortController();
    const forward = (): void => abort.abort();
    if (control.signal?.aborted) abort.abort();
    control.signal?.addEventListener('abort', forward, { once: true });
    const progress = new ImportProgress(
      importId,
      options.path,
      (event) => {
        control.onProgress?.(event);
        for (const listener of [...this.importListeners]) listener(event);
      },
      abort.signal,
    );
    this.running.set(importId, { abort, progress });
    try {
      progress.throwIfCancelled();
      return await this.importWith(options, progress);
    } finally {
      this.running.delete(importId);
      control.signal?.removeEventListener('abort', forward);
    }
  }

  /** The steps of {@link import} once its progress is set up. */
  private async importWith(options: DatasetImportOptions, progress: ImportProgress): Promise<DatasetImportResult> {
    const datasetsDir = path.join(this.dataDir, DATASETS_FOLDER);
    mkdirSync(datasetsDir, { recursive: true });
    const temp = path.join(datasetsDir, `.import.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let prepared;
    try {
      prepared = await this.decoder.prepare(options, temp, progress);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    const { contentHash, testSource, numericHeader } = prepared;
    const warnings = numericHeader ? { numericHeader } : {};
    const id = `ds_${contentHash.slice(0, 16)}`;
    const relativePath = path.posix.join(DATASETS_FOLDER, `${id}.isds`);
    const file = path.join(this.dataDir, relativePath);
    const existing = this.store.getByHash(contentHash);
    try {
      progress.seal(); // last cancellation point: from here on the import completes
      if (existing && existsSync(path.join(this.dataDir, existing.path))) {
        rmSync(temp, { force: true });
        progress.finish();
        return { dataset: existing.info, existing: true, ...warnings };
      }
      renameSync(temp, file);
    } catch (error) {
      rmSync(temp, { force: true });
      if (error instanceof InitScopeError) throw error;
      throw new InitScopeError('internal', `Could not write ${file}: ${(error as Error).message}`);
    }
    if (existing) {
      progress.finish();
      return { dataset: existing.info, existing: true, ...warnings }; // its file was missing: now restored
    }
    const info = describeImported({
      id,
      name: options.name ?? defaultDatasetName(options.path),
      format: prepared.format,
      header: prepared.header,
      classCounts: prepared.classCounts,
      normalization: options.normalization,
      split: options.split,
      contentHash,
      source: options.path,
      ...(testSource ? { testSource } : {}),
      createdAt: this.now().toISOString(),
    });
    try {
      this.store.insert({ id, name: info.name, kind: prepared.format, info, contentHash, path: relativePath, createdAt: info.createdAt as string });
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    }
    progress.finish();
    return { dataset: info, existing: false, ...warnings };
  }

  /** Deletes an imported dataset and its file; false if there was no such dataset. */
  delete(id: string): boolean {
    const stored = this.store.get(id);
    if (!stored) return false;
    this.store.delete(id);
    rmSync(path.join(this.dataDir, stored.path), { force: true });
    return true;
  }

  /**
   * Resolves an experiment's dataset: a built-in's description, or an imported dataset's description and
   * stored file. Throws `not_found` for an unknown id or a missing file.
   */
  resolve(ref: DatasetRef): ResolvedDataset {
    if (!isStoredDatasetRef(ref)) {
      const info = listBuiltinDatasets().find((d) => d.name === ref.builtin);
      if (!info) throw new InitScopeError('invalid_input', `Unknown built-in dataset '${ref.builtin}'`);
      return { info: ref.builtin === 'multiSpiral' && ref.classes ? { ...info, numClasses: ref.classes } : info };
    }
    const stored = this.store.get(ref.id);
    if (!stored) throw new InitScopeError('not_found', `No dataset with id ${ref.id} (see \`initscope datasets list\`)`, { path: 'dataset.id' });
    const file = path.join(this.dataDir, stored.path);
    if (!existsSync(file)) throw new InitScopeError('not_found', `The stored file of dataset ${ref.id} is missing: ${file}`);
    return { info: stored.info, source: { path: file } };
  }
}
