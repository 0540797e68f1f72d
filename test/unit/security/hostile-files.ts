import { createDeflateRaw, crc32, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';

/** One hostile (or merely malformed) file to upload, and what its refusal must say. */
export interface HostileCase {
  name: string;
  /** Files to upload, by upload name; the first is the one previewed/imported. */
  files: Array<{ name: string; bytes: Buffer }>;
  /** Import options besides the source (format, label…). */
  options?: Record<string, unknown>;
  /** Patterns the error message must match (the file's name and the place are among them). */
  expect: RegExp[];
}

/** A PNG chunk: length, type, data, CRC-32 over type and data (as the PNG spec defines it). */
function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A tiny valid-looking PNG whose IHDR claims `width`×`height` 8-bit greyscale pixels. */
export function pngClaiming(width: number, height: number, idat = deflateSync(Buffer.alloc(16))): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real, decodable greyscale PNG of `width`×`height` pixels of one value. */
export function smallPng(width: number, height: number, value: number): Buffer {
  const rows = Buffer.alloc((width + 1) * height);
  for (let r = 0; r < height; r++) rows.fill(value, r * (width + 1) + 1, (r + 1) * (width + 1));
  return pngClaiming(width, height, deflateSync(rows));
}

/** A JPEG start (SOI, a baseline SOF0 segment claiming `width`×`height`), then garbage. */
export function jpegClaiming(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 0, 0, 0, 0x01, 0x01, 0x11, 0x00]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.alloc(64, 0x55)]);
}

/** A `.npy` (format 1.0) with a raw header dict text and data bytes. */
export function npy(headerDict: string, data: Buffer): Buffer {
  let header = headerDict;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head[0] = 0x93;
  head.write('NUMPY', 1, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

/** A float32 `.npy` of shape (n, d) with values i·0.5. */
export function featuresNpy(n: number, d: number): Buffer {
  const data = Buffer.alloc(4 * n * d);
  for (let i = 0; i < n * d; i++) data.writeFloatLE(i * 0.5, 4 * i);
  return npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${d}), }`, data);
}

/** An int64 `.npy` of labels. */
export function int64LabelsNpy(labels: bigint[]): Buffer {
  const data = Buffer.alloc(8 * labels.length);
  labels.forEach((v, i) => data.writeBigInt64LE(v, 8 * i));
  return npy(`{'descr': '<i8', 'fortran_order': False, 'shape': (${labels.length},), }`, data);
}

/** A zip entry to write: its name, compressed bytes, method, declared uncompressed size and CRC. */
interface RawEntry {
  name: string;
  data: Buffer;
  method: 0 | 8;
  size: number;
  crc: number;
}

/**
 * A zip archive whose central directory lists `entries` (several may point at the same local header,
 * as a zip bomb does): `shareFirst` makes every entry point at the first one's data.
 */
export function zip(entries: RawEntry[], shareFirst = false): Buffer {
  const locals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of shareFirst ? entries.slice(0, 1) : entries) {
    const name = Buffer.from(e.name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(e.method, 8);
    h.writeUInt32LE(e.crc >>> 0, 14);
    h.writeUInt32LE(e.data.length, 18);
    h.writeUInt32LE(e.size, 22);
    h.writeUInt16LE(name.length, 26);
    offsets.push(offset);
    locals.push(h, name, e.data);
    offset += 30 + name.length + e.data.length;
  }
  const central: Buffer[] = [];
  let centralSize = 0;
  entries.forEach((e, i) => {
    const name = Buffer.from(e.name);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt32LE(e.crc >>> 0, 16);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offsets[shareFirst ? 0 : i] as number, 42);
    central.push(c, name);
    centralSize += 46 + name.length;
  });
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

/** A raw deflate stream of `bytes` zero bytes, made in 1 MiB steps (about 1 KB per MiB). */
export async function deflatedZeros(bytes: number): Promise<Buffer> {
  const stream = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => stream.once('end', resolve).once('error', reject));
  const chunk = Buffer.alloc(1024 * 1024);
  for (let left = bytes; left > 0; left -= chunk.length) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    if (!stream.write(part)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
  await done;
  return Buffer.concat(out);
}

/** A CSV whose labels are the Latin-1 bytes é, è, é (not valid UTF-8): two classes, never merged into one "�". */
export const LATIN1_LABELS_CSV = Buffer.concat([
  Buffer.from('f,label\n1,'),
  Buffer.from([0xe9]),
  Buffer.from('\n2,'),
  Buffer.from([0xe8]),
  Buffer.from('\n3,'),
  Buffer.from([0xe9]),
  Buffer.from('\n'),
]);

/**
 * Every hostile or malformed file the matrix covers. `bomb` is a deflate stream of 1 GiB of zeros
 * (see {@link deflatedZeros}); `gzBomb` a gzip of 600 MiB of zeros.
 */
export function hostileCases(bomb: Buffer, gzBomb: Buffer): HostileCase[] {
  const GiB = 1024 ** 3;
  const bombEntry = (name: string): RawEntry => ({ name, data: bomb, method: 8, size: GiB - 1, crc: 0 });
  const tenThousandOne = ['f,label', ...Array.from({ length: 10_001 }, (_, i) => `${i % 7},c${i}`)].join('\n');
  return [
    {
      name: 'CSV whose label is 2147483646',
      files: [{ name: 'big-label.csv', bytes: Buffer.from('a,b,label\n1,2,2147483646\n') }],
      expect: [/big-label\.csv, line 2, column 3 \('label'\)/, /2147483646/, /10,000 classes/],
    },
    {
      name: 'CSV label beyond 2^53',
      files: [{ name: 'huge.csv', bytes: Buffer.from('a,label\n1,0\n2,99999999999999999999\n') }],
      expect: [/huge\.csv, line 3, column 2/, /99999999999999999999/],
    },
    {
      name: 'CSV with 10,001 label categories',
      files: [{ name: 'cats.csv', bytes: Buffer.from(tenThousandOne) }],
      expect: [/cats\.csv, line 10002, column 2 \('label'\)/, /10,000 label categories/],
    },
    {
      name: 'PNG header claiming 30000×30000 pixels',
      files: [
        { name: 'a/huge.png', bytes: pngClaiming(30000, 30000) },
        { name: 'b/ok.png', bytes: smallPng(4, 4, 9) },
      ],
      options: { format: 'images' },
      expect: [/huge\.png/, /30000×30000 pixels/, /before decoding/],
    },
    {
      name: 'JPEG header claiming 60000×60000 pixels',
      files: [{ name: 'a/huge.jpg', bytes: jpegClaiming(60000, 60000) }],
      options: { format: 'images' },
      expect: [/huge\.jpg/, /60000×60000 pixels/],
    },
    {
      name: 'npz: four entries pointing at one 1 GiB deflate stream',
      files: [{ name: 'bomb.npz', bytes: zip(['x.npy', 'y.npy', 'z.npy', 'w.npy'].map(bombEntry), true) }],
      expect: [/bomb\.npz/, /declare 4096\.0 MB uncompressed/, /import limit/],
    },
    {
      name: 'npz entry that inflates to more than it declares',
      files: [
        {
          name: 'liar.npz',
          bytes: zip([
            { name: 'x.npy', data: deflateRawSync(featuresNpy(64, 4)), method: 8, size: 100, crc: 0 },
            { name: 'y.npy', data: deflateRawSync(int64LabelsNpy([0n])), method: 8, size: 200, crc: 0 },
          ]),
        },
      ],
      expect: [/liar\.npz, entry 0 \('x\.npy'\)/, /more than the 100 bytes it declares/],
    },
    { name: '.csv.gz that inflates to 600 MiB', files: [{ name: 'bomb.csv.gz', bytes: gzBomb }], expect: [/bomb\.csv\.gz/, /decompressed data is too large/] },
    {
      name: '.npy of shape (-1, 4)',
      files: [
        { name: 'x.npy', bytes: npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }`, Buffer.alloc(16)) },
        { name: 'y.npy', bytes: int64LabelsNpy([0n]) },
      ],
      expect: [/x\.npy, header field 'shape'/, /dimension -1 is negative/],
    },
    {
      name: '.npy of an absurd shape',
      files: [
        { name: 'x.npy', bytes: npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000000), }`, Buffer.alloc(16)) },
        { name: 'y.npy', bytes: int64LabelsNpy([0n]) },
      ],
      expect: [/x\.npy/, /impossibly large|truncated/],
    },
    {
      name: 'int64 labels ≥ 2^31 (2^40)',
      files: [
        { name: 'x.npy', bytes: featuresNpy(2, 3) },
        { name: 'y.npy', bytes: int64LabelsNpy([0n, 2n ** 40n]) },
      ],
      expect: [/y\.npy, item 1/, /1099511627776/, /10,000 classes/],
    },
    {
      name: 'int64 labels beyond 2^53',
      files: [
        { name: 'x.npy', bytes: featuresNpy(2, 3) },
        { name: 'y.npy', bytes: int64LabelsNpy([0n, 2n ** 60n + 1n]) },
      ],
      expect: [/y\.npy, item 1/, /1152921504606846977/, /exactly representable/],
    },
    {
      name: 'IDX with a wrong magic number',
      files: [
        { name: 'train-images-idx3-ubyte', bytes: Buffer.from([1, 2, 3, 4, 0, 0, 0, 1]) },
        { name: 'train-labels-idx1-ubyte', bytes: Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 0]) },
      ],
      expect: [/train-images-idx3-ubyte, byte 0/, /wrong magic number/],
    },
    {
      name: 'truncated IDX',
      files: [
        { name: 'train-images-idx3-ubyte', bytes: Buffer.from([0, 0, 8, 3, 0, 0, 0, 9, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]) },
        { name: 'train-labels-idx1-ubyte', bytes: Buffer.from([0, 0, 8, 1, 0, 0, 0, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8]) },
      ],
      expect: [/train-images-idx3-ubyte, byte 19/, /truncated/],
    },
    {
      name: 'IDX claiming 2^32−1 × 2^32−1 images',
      files: [
        { name: 't10k-images-idx3-ubyte', bytes: Buffer.from([0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 7]) },
        { name: 't10k-labels-idx1-ubyte', bytes: Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 0]) },
      ],
      expect: [/t10k-images-idx3-ubyte/, /truncated/],
    },
    {
      name: 'ragged CSV',
      files: [{ name: 'ragged.csv', bytes: Buffer.from('a,b,label\n1,2,0\n3,1\n') }],
      expect: [/ragged\.csv, line 3/, /2 cells, expected 3/],
    },
    {
      name: 'a PNG that is not a PNG',
      files: [{ name: 'c/bad.png', bytes: Buffer.from('not an image at all') }],
      options: { format: 'images' },
      expect: [/bad\.png/, /not a PNG or JPEG/],
    },
    {
      name: '.npy without its magic string',
      files: [
        { name: 'x.npy', bytes: Buffer.from('hello') },
        { name: 'y.npy', bytes: int64LabelsNpy([0n]) },
      ],
      expect: [/x\.npy, byte 0/, /missing the \\x93NUMPY magic/],
    },
    {
      name: 'gzip that is cut short',
      files: [{ name: 'cut.csv.gz', bytes: gzipSync(Buffer.from('a,label\n1,0\n'.repeat(50))).subarray(0, 30) }],
      expect: [/cut\.csv\.gz/, /not a valid gzip file/],
    },
    {
      name: 'a latin-1 CSV is still refused for a bad label column',
      files: [{ name: 'latin.csv', bytes: LATIN1_LABELS_CSV }],
      options: { label: 'nope' },
      expect: [/latin\.csv, line 1/, /no label column 'nope'/],
    },
  ];
}
