import { inflateRawSync } from 'node:zlib';
import { importError } from './import-error.js';

/**
 * Reads every entry of a zip archive (what NumPy's `.npz` is) from its central directory: stored
 * (method 0) and deflated (method 8) entries, Zip64 sizes included. Errors name the file and the entry.
 * @returns entry name → uncompressed bytes
 */
export function readZipEntries(bytes: Buffer, file: string, maxEntryBytes: number): Map<string, Buffer> {
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
    entries = Number(bytes.readBigUInt64LE(zip64 + 32));
    offset = Number(bytes.readBigUInt64LE(zip64 + 48));
  }
  const out = new Map<string, Buffer>();
  for (let e = 0; e < entries; e++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) throw importError(file, `central directory entry ${e}`, 'damaged archive');
    const method = bytes.readUInt16LE(offset + 10);
    let compressed = bytes.readUInt32LE(offset + 20);
    let size = bytes.readUInt32LE(offset + 24);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    let local = bytes.readUInt32LE(offset + 42);
    const name = bytes.toString('utf8', offset + 46, offset + 46 + nameLength);
    // Zip64 extra field (id 1): the 64-bit values of those fields that are 0xffffffff, in this order.
    for (let x = offset + 46 + nameLength; x < offset + 46 + nameLength + extraLength; ) {
      const id = bytes.readUInt16LE(x);
      const len = bytes.readUInt16LE(x + 2);
      if (id === 1) {
        let p = x + 4;
        if (size === 0xffffffff) {
          size = Number(bytes.readBigUInt64LE(p));
          p += 8;
        }
        if (compressed === 0xffffffff) {
          compressed = Number(bytes.readBigUInt64LE(p));
          p += 8;
        }
        if (local === 0xffffffff) local = Number(bytes.readBigUInt64LE(p));
      }
      x += 4 + len;
    }
    offset += 46 + nameLength + extraLength + commentLength;
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) throw importError(file, `entry '${name}'`, 'damaged local header');
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (start + compressed > bytes.length) throw importError(file, `entry '${name}'`, 'truncated archive');
    if (size > maxEntryBytes) throw importError(file, `entry '${name}'`, `too large to import (${size} bytes)`);
    const raw = bytes.subarray(start, start + compressed);
    if (method === 0) out.set(name, Buffer.from(raw));
    else if (method === 8) {
      try {
        out.set(name, inflateRawSync(raw, { maxOutputLength: Math.max(1, size) }));
      } catch (error) {
        throw importError(file, `entry '${name}'`, `corrupt deflate data (${(error as Error).message})`);
      }
    } else throw importError(file, `entry '${name}'`, `unsupported compression method ${method}`);
  }
  return out;
}
