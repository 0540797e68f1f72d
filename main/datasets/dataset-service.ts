import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  InitScopeError,
  isStoredDatasetRef,
  type DatasetImportOptions,
  type DatasetImportResult,
  type DatasetInfo,
  type DatasetPreview,
  type DatasetRef,
} from '../../contract/index.js';
import { listBuiltinDatasets } from '../../engine/datasets/builtin.js';
import { encodeDatasetFile } from '../../engine/datasets/dataset-file.js';
import type { DatasetSource } from '../../engine/datasets/index.js';
import type { DatasetStore } from '../store/index.js';
import { defaultDatasetName, describeImported } from './describe.js';
import { importError } from './import-error.js';
import type { ParsedDataset } from './parsed-dataset.js';
import { prepareDatasetFile } from './prepare.js';
import { previewSource } from './preview.js';
import { readSource } from './read-source.js';

/** Folder (inside the data folder) that holds imported datasets' files. */
export const DATASETS_FOLDER = 'datasets';

/** What a run needs to know about its dataset: its description and, for an imported one, its file. */
export interface ResolvedDataset {
  info: DatasetInfo;
  source?: DatasetSource;
}

/** Progress and cancellation of a long import. */
export interface ImportControl {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Refuses NaN/±Infinity features, naming the sample and feature. */
function checkFinite(data: ParsedDataset, file: string): void {
  if (data.features instanceof Uint8Array) return;
  const rowSize = data.inputShape.reduce((a, b) => a * b, 1);
  const bad = data.features.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw importError(file, `sample ${Math.floor(bad / rowSize)}, feature ${bad % rowSize}`, `value ${data.features[bad]} is not finite`);
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
  constructor(
    private readonly store: DatasetStore,
    private readonly dataDir: string,
    private readonly now: () => Date = () => new Date(),
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
    return previewSource(options);
  }

  /** Imports a source (see the class comment); errors are `invalid_input` naming the file and place. */
  async import(options: DatasetImportOptions, control: ImportControl = {}): Promise<DatasetImportResult> {
    const parsed = await readSource(options, control);
    checkFinite(parsed, options.path);
    const content = prepareDatasetFile(parsed, options, options.path);
    const bytes = encodeDatasetFile(content);
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    const id = `ds_${contentHash.slice(0, 16)}`;
    const relativePath = path.posix.join(DATASETS_FOLDER, `${id}.isds`);
    const file = path.join(this.dataDir, relativePath);
    const existing = this.store.getByHash(contentHash);
    if (existing && existsSync(path.join(this.dataDir, existing.path))) return { dataset: existing.info, existing: true };

    mkdirSync(path.dirname(file), { recursive: true });
    const temp = path.join(path.dirname(file), `.${id}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      writeFileSync(temp, bytes);
      renameSync(temp, file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new InitScopeError('internal', `Could not write ${file}: ${(error as Error).message}`);
    }
    if (existing) return { dataset: existing.info, existing: true }; // its file was missing: now restored
    const info = describeImported({
      id,
      name: options.name ?? defaultDatasetName(options.path),
      format: parsed.format,
      header: content.header,
      labels: content.labels,
      normalization: options.normalization,
      split: options.split,
      contentHash,
      source: options.path,
      createdAt: this.now().toISOString(),
    });
    try {
      this.store.insert({ id, name: info.name, kind: parsed.format, info, contentHash, path: relativePath, createdAt: info.createdAt as string });
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    }
    return { dataset: info, existing: false };
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
