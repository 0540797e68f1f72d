import { readFileSync } from 'node:fs';
import type { DatasetCounts } from '../../contract/index.js';

/**
 * The compact binary form of an imported dataset (`<dataDir>/datasets/<id>.isds`), written by the host
 * and read by engine workers:
 *
 *   bytes 0–7   magic `ISDSET01`
 *   bytes 8–11  H = byte length of the header (uint32, little-endian)
 *   12 … 12+H   header, UTF-8 JSON ({@link DatasetFileHeader})
 *   (zero padding to a multiple of 8)
 *   features    samples·rowSize values, uint8 or float32 little-endian, row-major [samples, ...inputShape]
 *   (zero padding to a multiple of 8)
 *   labels      samples int32 little-endian class indices
 *
 * Samples are stored in split order: the first counts.train are the training split, then
 * counts.validation, then counts.test. uint8 data stays uint8 (1 byte per value).
 */
export const DATASET_FILE_MAGIC = 'ISDSET01';

/** How features are scaled when loaded; statistics come from the training split only. */
export type NormalizationStats = { kind: 'none' } | { kind: 'unit'; min: number; max: number } | { kind: 'standardize'; mean: number[]; std: number[] };

/** The JSON header of a dataset file. */
export interface DatasetFileHeader {
  version: 1;
  samples: number;
  /** Per-sample shape (row-major); rowSize is its product. */
  inputShape: number[];
  numClasses: number;
  featureDtype: 'uint8' | 'float32';
  counts: DatasetCounts;
  normalization: NormalizationStats;
  classNames?: string[];
  imageShape?: number[];
}

/** A dataset file's content. */
export interface DatasetFileContent {
  header: DatasetFileHeader;
  /** Row-major [samples, ...inputShape]. */
  features: Uint8Array | Float32Array;
  /** Class index per sample, [samples]. */
  labels: Int32Array;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Product of a shape's dimensions (1 for []). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Serialises a dataset (see the format above). Throws if the arrays do not match the header.
 * @returns the complete file bytes
 */
export function encodeDatasetFile(content: DatasetFileContent): Buffer {
  const { header, features, labels } = content;
  const rowSize = shapeSize(header.inputShape);
  if (features.length !== header.samples * rowSize) throw new Error(`features hold ${features.length} values, expected ${header.samples}×${rowSize}`);
  if (labels.length !== header.samples) throw new Error(`labels hold ${labels.length} values, expected ${header.samples}`);
  if ((header.featureDtype === 'uint8') !== features instanceof Uint8Array) throw new Error('featureDtype does not match the feature array');
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const featureStart = align8(12 + headerBytes.length);
  const labelStart = align8(featureStart + features.byteLength);
  const out = Buffer.alloc(labelStart + labels.byteLength);
  out.write(DATASET_FILE_MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, 12);
  Buffer.from(features.buffer, features.byteOffset, features.byteLength).copy(out, featureStart);
  Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength).copy(out, labelStart);
  return out;
}

/** Parses dataset file bytes; errors name `file` and what is wrong. */
export function decodeDatasetFile(bytes: Buffer, file: string): DatasetFileContent {
  const fail = (what: string): never => {
    throw new Error(`${file}: not a valid InitScope dataset file (${what})`);
  };
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== DATASET_FILE_MAGIC) fail('bad magic number');
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) fail('truncated header');
  let header: DatasetFileHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as DatasetFileHeader;
  } catch {
    return fail('header is not JSON');
  }
  if (header.version !== 1) fail(`unsupported version ${String(header.version)}`);
  const rowSize = shapeSize(header.inputShape);
  const bytesPerValue = header.featureDtype === 'uint8' ? 1 : 4;
  const featureStart = align8(12 + headerLength);
  const featureBytes = header.samples * rowSize * bytesPerValue;
  const labelStart = align8(featureStart + featureBytes);
  if (labelStart + header.samples * 4 > bytes.length) fail(`truncated: ${bytes.length} bytes, expected ${labelStart + header.samples * 4}`);
  const copy = (start: number, length: number): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + length) as ArrayBuffer;
  const features = header.featureDtype === 'uint8' ? new Uint8Array(copy(featureStart, featureBytes)) : new Float32Array(copy(featureStart, featureBytes));
  const labels = new Int32Array(copy(labelStart, header.samples * 4));
  return { header, features, labels };
}

/** Reads and parses a dataset file. */
export function readDatasetFile(file: string): DatasetFileContent {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the stored dataset (${(error as Error).message})`);
  }
  return decodeDatasetFile(bytes, file);
}

/**
 * Applies the recorded normalisation to stored features.
 * none: x; unit: (x − min)/(max − min) (max = min gives 0); standardize: (x − mean_j)/std_j per feature j.
 * @param features row-major [samples, rowSize]
 * @returns Float32Array [samples, rowSize]
 */
export function normalizeFeatures(features: Uint8Array | Float32Array, rowSize: number, stats: NormalizationStats): Float32Array {
  const out = new Float32Array(features.length);
  switch (stats.kind) {
    case 'none':
      out.set(features);
      return out;
    case 'unit': {
      const range = stats.max - stats.min;
      const scale = range > 0 ? 1 / range : 0;
      for (let i = 0; i < features.length; i++) out[i] = ((features[i] as number) - stats.min) * scale;
      return out;
    }
    case 'standardize':
      for (let i = 0; i < features.length; i++) {
        const j = i % rowSize;
        out[i] = ((features[i] as number) - (stats.mean[j] as number)) / (stats.std[j] as number);
      }
      return out;
  }
}
