import { existsSync } from 'node:fs';
import path from 'node:path';
import { importError } from './import-error.js';
import { ImportProgress } from './import-progress.js';
import { checkLabels, type ParsedDataset } from './parsed-dataset.js';
import { readInputFile } from './read-input.js';
import { checkAllocation, classIndexProblem } from './limits.js';

/** Element types of the IDX format (LeCun's MNIST page), by the third magic byte. */
const IDX_TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

/** A parsed IDX array: its dimensions and values (uint8 kept as uint8, other types as float32). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array | Float32Array;
}

/**
 * Parses an IDX file: magic 0x00 0x00 <type> <rank>, then rank big-endian uint32 dimensions, then
 * the values big-endian, row-major. Errors name the file and the byte offset (wrong magic number,
 * unknown type, truncated data, trailing bytes).
 */
export function parseIdx(bytes: Buffer, file: string): IdxArray {
  if (bytes.length < 4) throw importError(file, 'byte 0', `truncated: ${bytes.length} bytes, too short for an IDX header`);
  const magic = bytes.readUInt32BE(0);
  const type = IDX_TYPES[bytes[2] as number];
  const rank = bytes[3] as number;
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || rank < 1) {
    throw importError(
      file,
      'byte 0',
      `wrong magic number 0x${magic.toString(16).padStart(8, '0')} (an IDX file starts with 0x000008NN for uint8 data, e.g. 0x00000803 for images, 0x00000801 for labels)`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw importError(file, 'byte 4', `truncated: the header needs ${rank} dimensions`);
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length < expected) {
    throw importError(
      file,
      `byte ${bytes.length}`,
      `truncated: the header promises ${dims.join('×')} ${type.name} values (${expected} bytes) but the file has ${bytes.length} bytes`,
    );
  }
  if (bytes.length > expected) throw importError(file, `byte ${expected}`, `${bytes.length - expected} unexpected bytes after the ${dims.join('×')} values`);
  if (type.name === 'uint8') return { dims, data: new Uint8Array(bytes.subarray(headerBytes, expected)) };
  checkAllocation(count * 4, file, 'byte 4', `${dims.join('×')} values as float32`);
  const data = new Float32Array(count);
  for (let i = 0, o = headerBytes; i < count; i++, o += type.bytes) {
    switch (type.name) {
      case 'int8':
        data[i] = bytes.readInt8(o);
        break;
      case 'int16':
        data[i] = bytes.readInt16BE(o);
        break;
      case 'int32':
        data[i] = bytes.readInt32BE(o);
        break;
      case 'float32':
        data[i] = bytes.readFloatBE(o);
        break;
      default:
        data[i] = bytes.readDoubleBE(o);
    }
  }
  return { dims, data };
}

/**
 * The labels file that goes with an IDX images file, by the MNIST / Fashion-MNIST naming
 * (`train-images-idx3-ubyte[.gz]` → `train-labels-idx1-ubyte[.gz]`, also `.idx3-ubyte` and `images` →
 * `labels`); undefined if none exists.
 */
export function guessIdxLabelsFile(imagesFile: string): string | undefined {
  const dir = path.dirname(imagesFile);
  const base = path.basename(imagesFile);
  const swapped = base.replace(/images/i, (m) => (m === 'IMAGES' ? 'LABELS' : 'labels')).replace(/idx3/i, 'idx1');
  if (swapped === base) return undefined;
  const candidates = [swapped, swapped.endsWith('.gz') ? swapped.slice(0, -3) : `${swapped}.gz`];
  return candidates.map((name) => path.join(dir, name)).find((p) => existsSync(p));
}

/** Options of {@link importIdx}. */
export interface IdxOptions {
  labelsPath?: string;
  classes?: number;
}

/**
 * Reads an IDX images file (rank ≥ 2: [n, ...]; e.g. [n, 28, 28]) and its IDX labels file (rank 1: [n]).
 * Features are flattened to [n, product of the rest]; a rank-3 file's last two dimensions are recorded as
 * the image shape. Errors: wrong magic, truncation, a labels file of the wrong rank, image/label count
 * mismatch, a label outside [0, classes). Reports `reading` (bytes, per file) and `decoding` (samples) on `progress`.
 */
export async function importIdx(imagesFile: string, options: IdxOptions, progress = ImportProgress.silent(imagesFile)): Promise<ParsedDataset> {
  const labelsFile = options.labelsPath ?? guessIdxLabelsFile(imagesFile);
  if (!labelsFile) {
    throw importError(
      imagesFile,
      null,
      'no labels file found next to it (expected e.g. train-labels-idx1-ubyte next to train-images-idx3-ubyte); name it with --labels',
    );
  }
  const images = parseIdx(await readInputFile(imagesFile, progress), imagesFile);
  const labels = parseIdx(await readInputFile(labelsFile, progress), labelsFile);
  if (images.dims.length < 2) throw importError(imagesFile, 'byte 3', `expected images of rank ≥ 2 ([samples, …]), got rank ${images.dims.length}`);
  if (labels.dims.length !== 1) throw importError(labelsFile, 'byte 3', `expected labels of rank 1 ([samples]), got rank ${labels.dims.length}`);
  const n = images.dims[0] as number;
  if (labels.dims[0] !== n) {
    throw importError(labelsFile, 'byte 4', `holds ${labels.dims[0]} labels but ${path.basename(imagesFile)} holds ${n} images`);
  }
  const y = new Int32Array(n);
  progress.begin('decoding', 'samples', n);
  const labelHeaderBytes = 4 + 4 * labels.dims.length;
  for (let i = 0; i < n; i++) {
    const v = labels.data[i] as number;
    const problem = classIndexProblem(v, options.classes);
    if (problem) throw importError(labelsFile, `item ${i} (byte ${labelHeaderBytes + i * (labels.data instanceof Uint8Array ? 1 : 4)})`, problem);
    y[i] = v;
    if (progress.due()) await progress.pause(i);
  }
  progress.finish(n);
  const headerBytes = 4 + 4 * labels.dims.length;
  const numClasses = checkLabels(y, options.classes, (i, message) => importError(labelsFile, `item ${i} (byte ${headerBytes + i})`, message));
  const sampleDims = images.dims.slice(1);
  const rowSize = sampleDims.reduce((a, b) => a * b, 1);
  return {
    format: 'idx',
    features: images.data,
    labels: y,
    inputShape: [rowSize],
    numClasses,
    ...(sampleDims.length === 2 ? { imageShape: sampleDims } : {}),
  };
}
