import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import pngjs from 'pngjs';
import { generateMnist } from '../../../engine/datasets/mnist.js';
import { Random } from '../../../engine/random.js';

/** Seeded random bytes [n]. */
export function randomBytesSeeded(n: number, seed: number): Uint8Array {
  const rng = new Random(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

/** Seeded class labels in [0, k) [n], covering every class. */
export function randomLabels(n: number, k: number, seed: number): Int32Array {
  const rng = new Random(seed);
  return Int32Array.from({ length: n }, (_, i) => (i < k ? i : rng.int(k)));
}

/** IDX bytes: magic 0 0 type rank, big-endian dims, big-endian values. */
export function idxBytes(typeCode: number, dims: number[], values: ArrayLike<number>): Buffer {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[typeCode] as number;
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = typeCode;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const body = Buffer.alloc(values.length * size);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeCode === 0x08) body.writeUInt8(v, i);
    else if (typeCode === 0x0d) body.writeFloatBE(v, i * 4);
    else if (typeCode === 0x0c) body.writeInt32BE(v, i * 4);
    else throw new Error('fixture: unsupported IDX type');
  }
  return Buffer.concat([header, body]);
}

/** Writes `bytes` to `dir/name` (gzipped when the name ends in .gz) and returns the path. */
export function writeFixture(dir: string, name: string, bytes: Buffer | string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return file;
}

/** .npy (version 1) bytes for a little-endian array. */
export function npyBytes(descr: string, shape: number[], values: ArrayLike<number>): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre[0] = 0x93;
  pre.write('NUMPY', 1, 'latin1');
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  const kind = descr.slice(1);
  const size = Number(kind.slice(1)) || 1;
  const body = Buffer.alloc(values.length * size);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (kind === 'u1') body.writeUInt8(v, i);
    else if (kind === 'f4') body.writeFloatLE(v, i * 4);
    else if (kind === 'f8') body.writeDoubleLE(v, i * 8);
    else if (kind === 'i8') body.writeBigInt64LE(BigInt(v), i * 8);
    else if (kind === 'i4') body.writeInt32LE(v, i * 4);
    else if (kind === 'c16') body.writeDoubleLE(v, i * 16);
    else throw new Error('fixture: unsupported npy dtype');
  }
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A zip archive (what np.savez writes) of the given entries, stored or deflated. */
export function zipBytes(entries: Record<string, Buffer>, deflate: boolean): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const body = deflate ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Object.keys(entries).length, 8);
  eocd.writeUInt16LE(Object.keys(entries).length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** PNG bytes of a greyscale image given as [h·w] bytes (written as opaque RGBA). */
export function pngBytes(width: number, height: number, grey: ArrayLike<number>): Buffer {
  const png = new pngjs.PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[4 * i] = png.data[4 * i + 1] = png.data[4 * i + 2] = grey[i] as number;
    png.data[4 * i + 3] = 255;
  }
  return pngjs.PNG.sync.write(png);
}

/** The real digits an MNIST-format fixture folder holds: train and t10k parts, uint8 pixels and labels. */
export interface MnistFolderDigits {
  train: { pixels: Uint8Array; labels: Int32Array };
  test: { pixels: Uint8Array; labels: Int32Array };
}

/**
 * Writes a four-file MNIST-format folder from the `mnist` package's real digits (seeded draw; the t10k
 * digits are disjoint from the train ones), naming files as MNIST mirrors do: `train-images-idx3-ubyte.gz`,
 * `train-labels-idx1-ubyte`, `t10k-images.idx3-ubyte` (the dotted variant) and `t10k-labels-idx1-ubyte.gz`.
 * @returns the digits written, pixels row-major [n, 784] in [0, 255]
 */
export function writeMnistFolder(dir: string, train: number, test: number, seed = 1): MnistFolderDigits {
  const all = generateMnist({ builtin: 'mnist', samples: train + test, noise: 0, seed });
  const bytes = (from: number, n: number) => Uint8Array.from(all.x.subarray(from * 784, (from + n) * 784), (v) => Math.round(v * 255));
  const digits: MnistFolderDigits = {
    train: { pixels: bytes(0, train), labels: all.y.slice(0, train) },
    test: { pixels: bytes(train, test), labels: all.y.slice(train, train + test) },
  };
  writeFixture(dir, 'train-images-idx3-ubyte.gz', idxBytes(0x08, [train, 28, 28], digits.train.pixels));
  writeFixture(dir, 'train-labels-idx1-ubyte', idxBytes(0x08, [train], digits.train.labels));
  writeFixture(dir, 't10k-images.idx3-ubyte', idxBytes(0x08, [test, 28, 28], digits.test.pixels));
  writeFixture(dir, 't10k-labels-idx1-ubyte.gz', idxBytes(0x08, [test], digits.test.labels));
  return digits;
}
