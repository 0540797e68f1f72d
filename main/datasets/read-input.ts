import { open, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { importError } from './import-error.js';
import { ImportProgress } from './import-progress.js';
import { fsErrorText, importByteBudget, mb } from './limits.js';

const gunzipAsync = promisify(gunzip);

/** Bytes read from disk per read call while importing. */
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Largest input the importer reads into memory, in bytes (after decompression): the import budget
 * (see {@link importByteBudget}). A larger file is refused with a clear error instead of exhausting memory.
 */
export function defaultMaxInputBytes(): number {
  return importByteBudget();
}

/**
 * Reads a file in 4 MiB chunks (phase `reading`, counting bytes; cancellable between chunks), gunzipping
 * it off the event loop when it ends in `.gz` or starts with the gzip magic bytes 1f 8b. Refuses files (or
 * decompressed contents) larger than `maxBytes`, and reports unreadable or corrupt files as
 * `invalid_input` errors naming the file.
 */
export async function readInputFile(file: string, progress = ImportProgress.silent(file), maxBytes = defaultMaxInputBytes()): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    size = info.size;
  } catch (error) {
    throw importError(file, null, `cannot read the file: ${fsErrorText(error)}`);
  }
  if (size > maxBytes) throw importError(file, null, `the file is too large to import (${mb(size)}; limit ${mb(maxBytes)})`);
  progress.begin('reading', 'bytes', size);
  const raw = Buffer.allocUnsafe(size);
  let read = 0;
  try {
    const handle = await open(file, 'r');
    try {
      while (read < size) {
        const { bytesRead } = await handle.read(raw, read, Math.min(READ_CHUNK_BYTES, size - read), read);
        if (bytesRead === 0) break;
        read += bytesRead;
        progress.throwIfCancelled();
        if (progress.due()) await progress.pause(read);
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as { name?: string }).name === 'InitScopeError') throw error;
    throw importError(file, null, `cannot read the file: ${fsErrorText(error)}`);
  }
  progress.finish(read);
  const bytes = read === size ? raw : raw.subarray(0, read);
  const gzipped = file.toLowerCase().endsWith('.gz') || (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b);
  if (!gzipped) return bytes;
  try {
    return await gunzipAsync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw importError(file, null, `the decompressed data is too large to import (limit ${mb(maxBytes)})`);
    throw importError(file, null, `not a valid gzip file (${(error as Error).message})`);
  }
}
