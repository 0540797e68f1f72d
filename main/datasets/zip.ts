import { inflateRawSync } from 'node:zlib';
import { importError } from './import-error.js';

/** One file of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  /** Position in the central directory, from 0. */
  index: number;
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  /** Compressed bytes, at `start`. */
  compressed: number;
  /** Uncompressed bytes, as declared. */
  size: number;
  /** Offset of the entry's data in the archive. */
  start: number;
}

/**
 * Reads the central directory of a zip archive (what NumPy's `.npz` is): stored (method 0) and deflated
 * (method 8) entries, Zip64 sizes included; nothing is decompressed. Errors name the file and the entry.
 */
export function readZipDirectory(bytes: Buffer, file: string): ZipEntry[] {
  // End of central directory: signature 0x06054b50, within the last 22 + 65535 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw importError(file, null, 'not a zip/.npz archive (no end of central directory record)');
  let entries = bytes.readUInt16LE(eocd + 10);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff || entries === 0xffff) {
    const locator = eocd - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== 0x07064b50) throw importError(file, null, 'damaged Zip64 archive');
    const zip64 = Number(bytes.readBigUInt64LE(locator + 8));
    if (zip64 + 56 > bytes.length) throw importError(file, null, 'damaged Zip64 archive');
    entries = Number(bytes.readBigUInt64LE(zip64 + 32));
    offset = Number(bytes.readBigUInt64LE(zip64 + 48));
  }
  // Each central directory record takes at least 46 bytes: more entries than that cannot be real.
  if (entries > bytes.length / 46) throw importError(file, null, `damaged archive (claims ${entries} entries in ${bytes.length} bytes)`);
  const out: ZipEntry[] = [];
  for (let e = 0; e < entries; e++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) throw importError(file, `central directory entry ${e}`, 'damaged archive');
    const method = bytes.readUInt16LE(offset + 10);
    let compressed = bytes.readUInt32LE(offset + 20);
    let size = bytes.readUInt32LE(offset + 24);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    let local = bytes.readUInt32LE(offset + 42);
    if (offset + 46 + nameLength + extraLength > bytes.length) throw importError(file, `central directory entry ${e}`, 'damaged archive');
    const name = bytes.toString('utf8', offset + 46, offset + 46 + nameLength);
    // Zip64 extra field (id 1): the 64-bit values of those fields that are 0xffffffff, in this order.
    for (let x = offset + 46 + nameLength; x + 4 <= offset + 46 + nameLength + extraLength;) {
      const id = bytes.readUInt16LE(x);
      const len = bytes.readUInt16LE(x + 2);
      if (id === 1) {
        let p = x + 4;
        const take = (): number => {
          if (p + 8 > x + 4 + len || p + 8 > bytes.length) throw importError(file, `entry ${e} ('${name}')`, 'damaged Zip64 extra field');
          const v = Number(bytes.readBigUInt64LE(p));
          p += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressed === 0xffffffff) compressed = take();
        if (local === 0xffffffff) local = take();
      }
      x += 4 + len;
    }
    offset += 46 + nameLength + extraLength + commentLength;
    const where = `entry ${e} ('${name}')`;
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) throw importError(file, where, 'damaged local header');
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (start + compressed > bytes.length) throw importError(file, where, 'truncated archive');
    if (method !== 0 && method !== 8) throw importError(file, where, `unsupported compression method ${method}`);
    if (method === 0 && compressed !== size) throw importError(file, where, `stored entry declares ${size} bytes but holds ${compressed}`);
    out.push({ index: e, name, method, compressed, size, start });
  }
  return out;
}

/**
 * The uncompressed bytes of one entry (its declared size must already have been checked against the
 * memory budget): inflation stops at the declared size, and an entry whose real size differs from the
 * declared one is refused.
 */
export function extractZipEntry(bytes: Buffer, entry: ZipEntry, file: string): Buffer {
  const where = `entry ${entry.index} ('${entry.name}')`;
  const raw = bytes.subarray(entry.start, entry.start + entry.compressed);
  if (entry.method === 0) return Buffer.from(raw);
  let out: Buffer;
  try {
    // One byte more than declared, so a stream that inflates to more than it declares is caught.
    out = inflateRawSync(raw, { maxOutputLength: entry.size + 1 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw importError(file, where, `inflates to more than the ${entry.size} bytes it declares`);
    throw importError(file, where, `corrupt deflate data (${(error as Error).message})`);
  }
  if (out.length !== entry.size) throw importError(file, where, `declares ${entry.size} uncompressed bytes but inflates to ${out.length}`);
  return out;
}
