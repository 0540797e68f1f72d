import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { DatasetFormat, DatasetImportOptions, DatasetPreview } from '../../contract/index.js';
import { encodeDatasetFile, type DatasetFileHeader } from '../../engine/index.js';
import { countClasses } from './describe.js';
import { importError } from './import-error.js';
import { ImportProgress } from './import-progress.js';
import type { ParsedDataset } from './parsed-dataset.js';
import { prepareDatasetFile } from './prepare.js';
import { previewSource } from './preview.js';
import { readDatasetParts } from './read-parts.js';

/** A decoded dataset written, in its stored form, to a temporary file that the host renames into place. */
export interface PreparedImport {
  /** The temporary file holding the encoded dataset (see engine/datasets/dataset-file.ts). */
  tempFile: string;
  /** SHA-256 (hex) of the temporary file's bytes. */
  contentHash: string;
  header: DatasetFileHeader;
  format: DatasetFormat;
  /** Samples per class, index = class (the stored labels counted). */
  classCounts: number[];
  /** The file a separately read test part came from (an MNIST folder's t10k images, `testPath`). */
  testSource?: string;
  /** Table sources: header cells that look like numbers (see header-check.ts). */
  numericHeader?: string[];
}

/**
 * Reads, checks and encodes user files: what runs in the import worker process (or, in tests and
 * trusted tools, in-process). `preview` describes a source; `prepare` writes its stored form to `tempFile`.
 */
export interface SourceDecoder {
  preview(options: DatasetImportOptions): Promise<DatasetPreview>;
  prepare(options: DatasetImportOptions, tempFile: string, progress: ImportProgress): Promise<PreparedImport>;
}

/** Bytes hashed or written per step of the writing phase. */
const WRITE_CHUNK_BYTES = 4 * 1024 * 1024;
/** Values checked per step of the finiteness check. */
const CHECK_CHUNK_VALUES = 1 << 20;

/** Refuses NaN/±Infinity features, naming the sample and feature; pauses between chunks of values. */
async function checkFinite(data: ParsedDataset, file: string, progress: ImportProgress): Promise<void> {
  if (data.features instanceof Uint8Array) return;
  const features = data.features;
  const rowSize = data.inputShape.reduce((a, b) => a * b, 1);
  for (let start = 0; start < features.length; start += CHECK_CHUNK_VALUES) {
    const end = Math.min(features.length, start + CHECK_CHUNK_VALUES);
    for (let i = start; i < end; i++) {
      if (!Number.isFinite(features[i] as number)) {
        throw importError(file, `sample ${Math.floor(i / rowSize)}, feature ${i % rowSize}`, `value ${features[i]} is not finite`);
      }
    }
    if (progress.due()) await progress.pause(Math.floor(end / rowSize));
  }
}

/** SHA-256 (hex) of `bytes`, in chunks with pauses (phase `writing`, the first half of its byte count). */
async function hashInSteps(bytes: Buffer, progress: ImportProgress): Promise<string> {
  const hash = createHash('sha256');
  for (let start = 0; start < bytes.length; start += WRITE_CHUNK_BYTES) {
    const end = Math.min(bytes.length, start + WRITE_CHUNK_BYTES);
    hash.update(bytes.subarray(start, end));
    if (progress.due()) await progress.pause(end);
  }
  return hash.digest('hex');
}

/** Writes `bytes` to a new file `file` in chunks, pausing (and so cancellable) between them; `offset` shifts the progress count. */
async function writeInSteps(file: string, bytes: Buffer, progress: ImportProgress, offset: number): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    for (let start = 0; start < bytes.length;) {
      const { bytesWritten } = await handle.write(bytes, start, Math.min(WRITE_CHUNK_BYTES, bytes.length - start), start);
      start += bytesWritten;
      progress.throwIfCancelled();
      if (progress.due()) await progress.pause(offset + start);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Decodes a source and writes its stored form to `tempFile`: read (with its test part, see read-parts.ts)
 * → check finiteness → split and normalise → encode → hash → write, reporting `reading` → `decoding` →
 * `writing` progress and cancellable between slices. A failure removes `tempFile`.
 */
export async function prepareImport(options: DatasetImportOptions, tempFile: string, progress: ImportProgress): Promise<PreparedImport> {
  const { data: parsed, test, testSource, numericHeader } = await readDatasetParts(options, { progress });
  await progress.breathe();
  await checkFinite(parsed, options.path, progress);
  if (test && testSource) await checkFinite(test, testSource, progress);
  await progress.breathe();
  const content = prepareDatasetFile(parsed, options, options.path, test);
  await progress.breathe();
  const bytes = encodeDatasetFile(content);
  progress.begin('writing', 'bytes', 2 * bytes.length);
  await progress.breathe();
  const contentHash = await hashInSteps(bytes, progress);
  try {
    await writeInSteps(tempFile, bytes, progress, bytes.length);
  } catch (error) {
    rmSync(tempFile, { force: true });
    throw error;
  }
  return {
    tempFile,
    contentHash,
    header: content.header,
    format: parsed.format,
    classCounts: countClasses(content.labels, content.header.numClasses),
    ...(test && testSource ? { testSource } : {}),
    ...(numericHeader ? { numericHeader } : {}),
  };
}

/** Decodes in the calling process (tests, trusted tools): no memory isolation, the same checks. */
export const inProcessDecoder: SourceDecoder = {
  preview: (options) => previewSource(options),
  prepare: (options, tempFile, progress) => prepareImport(options, tempFile, progress),
};
