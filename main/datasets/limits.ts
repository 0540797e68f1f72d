import os from 'node:os';
import { MAX_CLASSES } from '../../contract/index.js';
import { importError } from './import-error.js';

export { MAX_CLASSES };

/** Largest decoded image accepted, in pixels (width × height), checked from the file header before decoding. */
export const MAX_IMAGE_PIXELS = 16 * 1024 * 1024;

/**
 * Largest amount of memory one import may allocate for its input and its decoded arrays, in bytes:
 * `INITSCOPE_IMPORT_MAX_BYTES` when set, else a quarter of the machine's memory, at most 2 GiB. Every
 * large allocation of the importer is checked against it first (see {@link checkAllocation}).
 */
export function importByteBudget(): number {
  const fromEnv = Number(process.env.INITSCOPE_IMPORT_MAX_BYTES);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return Math.floor(fromEnv);
  return Math.min(2 * 1024 ** 3, Math.floor(os.totalmem() / 4));
}

/** Bytes as megabytes with one decimal, e.g. `12.5 MB`. */
export function mb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/**
 * Refuses an allocation of `bytes` (e.g. `samples × rowSize × 4` for float32 features) before it is
 * made, when it is not a finite safe integer or exceeds `budget`.
 * @throws InitScopeError `invalid_input` naming the file, the place and both sizes
 */
export function checkAllocation(bytes: number, file: string, place: string | null, what: string, budget = importByteBudget()): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > budget) {
    const size = Number.isFinite(bytes) ? mb(bytes) : 'an unbounded amount';
    throw importError(file, place, `${what} would need ${size} of memory, more than the import limit of ${mb(budget)}`);
  }
}

/**
 * Checks one class index before it is stored: an integer in [0, classes) when `classes` is given, else
 * in [0, MAX_CLASSES). Values beyond ±2^53 are reported exactly when `exact` (their decimal text) is given.
 * @returns null if fine, else the message to report
 */
export function classIndexProblem(value: number, classes: number | undefined, exact?: string): string | null {
  const text = exact ?? String(value);
  if (!Number.isFinite(value)) return `label ${text} is not a class index`;
  if (!Number.isInteger(value)) return `label ${text} is not an integer class index`;
  if (value < 0) return `label ${text} is outside the class range [0, ${classes ?? MAX_CLASSES}) (class indices are ≥ 0)`;
  if (classes !== undefined && value >= classes) return `label ${text} is outside the class range [0, ${classes})`;
  if (!Number.isSafeInteger(value)) return `label ${text} is outside the exactly representable integer range (±2^53)`;
  if (value >= MAX_CLASSES)
    return `label ${text} is too large: at most ${MAX_CLASSES.toLocaleString('en-US')} classes are supported (class indices 0–${MAX_CLASSES - 1})`;
  return null;
}

/** Node's file-system error codes, in words. */
const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'a symbolic link loop: too many levels of symbolic links',
  EISDIR: 'it is a folder, expected a file',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error while reading the disk',
};

/** A file-system error as words with its code, e.g. `permission denied (EACCES)`. */
export function fsErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && FS_ERRORS[code]) return `${FS_ERRORS[code]} (${code})`;
  return code ?? (error as Error | null)?.message ?? String(error);
}
