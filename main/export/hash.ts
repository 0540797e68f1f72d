import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** sha256 of bytes or a UTF-8 string, as 64 lower-case hex digits. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 (hex) and size in bytes of a file. */
export function hashFile(path: string): { sha256: string; bytes: number } {
  const data = readFileSync(path);
  return { sha256: sha256Hex(data), bytes: data.byteLength };
}
