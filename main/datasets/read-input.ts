import { statSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { gunzipSync } from 'node:zlib';
import { importError } from './import-error.js';

/**
 * Largest input the importer reads into memory, in bytes (after decompression): a quarter of the
 * machine's memory, at most 2 GiB. A larger file is refused with a clear error instead of exhausting memory.
 */
export function defaultMaxInputBytes(): number {
  return Math.min(2 * 1024 ** 3, Math.floor(os.totalmem() / 4));
}

const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

/**
 * Reads a file, gunzipping it when it ends in `.gz` or starts with the gzip magic bytes 1f 8b. Refuses
 * files (or decompressed contents) larger than `maxBytes`, and reports unreadable or corrupt files as
 * `invalid_input` errors naming the file.
 */
export function readInputFile(file: string, maxBytes = defaultMaxInputBytes()): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw importError(file, null, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (size > maxBytes) throw importError(file, null, `the file is too large to import (${mb(size)}; limit ${mb(maxBytes)})`);
  const raw = readFileSync(file);
  const gzipped = file.toLowerCase().endsWith('.gz') || (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b);
  if (!gzipped) return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw importError(file, null, `the decompressed data is too large to import (limit ${mb(maxBytes)})`);
    throw importError(file, null, `not a valid gzip file (${(error as Error).message})`);
  }
}
