import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InitScopeError, type DatasetImportOptions, type DatasetSourceOptions } from '../../contract/index.js';

/** Folder (inside the data folder) that holds browser-mode uploads, one sub-folder per upload. */
export const UPLOADS_FOLDER = 'uploads';
/** File inside an upload folder naming the process that owns it (JSON `{ pid, createdAt }`). */
const OWNER_FILE = '.owner';
/** Upload folders are named `up_` + 16 hex digits. */
const UPLOAD_DIR = /^up_[0-9a-f]{16}$/;
/** A relative name inside an upload: at most two plain segments (class folder and file), no dot-files. */
const ENTRY_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._ ()+-]{0,199}$/;
/** Most picked (desktop) or command-line paths remembered at once; the oldest is forgotten first. */
const MAX_PATH_HANDLES = 256;

/** What a handle stands for. */
interface SourceEntry {
  kind: 'upload' | 'path';
  /** The upload's folder, or the registered path (as given). */
  root: string;
}

/** The error for a handle that is unknown (never made, released, or from another host): the same for all. */
function unknownHandle(): InitScopeError {
  return new InitScopeError('not_found', 'Unknown or expired source handle: upload the file again (or choose it again in the file dialog)');
}

/** True if a process with this id is running (signal 0 probes without sending anything). */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True if `target` is `root` or inside it (both absolute). */
function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Paths as capabilities. The page never names a host path: it gets an opaque random handle
 * (`src_` + 32 hex digits) for each upload (a fresh folder under `<dataDir>/uploads/`) and, on the
 * desktop, for each path the user chose in the native dialog; the CLI registers its command-line paths
 * the same way. `datasets/preview` and `datasets/import` take handles, so the host reads only what the
 * user uploaded or chose. Uploads are deleted when released (an import ends, the page cancels) and, when
 * their owning process is gone, at the next host start ({@link sweepStaleUploads}).
 */
export class SourceRegistry {
  private readonly handles = new Map<string, SourceEntry>();

  constructor(private readonly dataDir: string) {}

  /** The folder that holds uploads. */
  get uploadsDir(): string {
    return path.join(this.dataDir, UPLOADS_FOLDER);
  }

  /** Registers a path the user chose (desktop dialog) or typed (CLI); returns its handle. Trusted callers only. */
  registerPath(target: string): string {
    if (this.pathHandleCount() >= MAX_PATH_HANDLES) {
      const oldest = [...this.handles].find(([, e]) => e.kind === 'path');
      if (oldest) this.handles.delete(oldest[0]);
    }
    const handle = newHandle();
    this.handles.set(handle, { kind: 'path', root: path.resolve(target) });
    return handle;
  }

  /** Makes a fresh upload folder (owned by this process) and returns its handle and folder. */
  createUpload(): { handle: string; dir: string } {
    const dir = path.join(this.uploadsDir, `up_${randomBytes(8).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }));
    const handle = newHandle();
    this.handles.set(handle, { kind: 'upload', root: dir });
    return { handle, dir };
  }

  /** The folder of an upload handle (to add a file to it); throws `not_found` for any other handle. */
  uploadDir(handle: string): string {
    const entry = this.handles.get(handle);
    if (!entry || entry.kind !== 'upload') throw unknownHandle();
    return entry.root;
  }

  /** True if `handle` is an upload (its files are deleted when it is released). */
  isUpload(handle: string): boolean {
    return this.handles.get(handle)?.kind === 'upload';
  }

  /**
   * The host path a handle (plus an `entry` inside an uploaded folder) stands for.
   * @throws InitScopeError `not_found` for an unknown handle (saying nothing about any path), or
   *   `invalid_input` for an entry that is not a plain relative name inside the upload
   */
  resolve(handle: string, entry?: string): string {
    const found = this.handles.get(handle);
    if (!found) throw unknownHandle();
    if (entry === undefined) return found.root;
    if (found.kind !== 'upload') throw new InitScopeError('invalid_input', 'entry names a file inside an upload; a chosen file has none', { path: 'entry' });
    const segments = entry.split('/');
    if (segments.length > 2 || !segments.every((s) => ENTRY_SEGMENT.test(s))) {
      throw new InitScopeError('invalid_input', `entry ${JSON.stringify(entry.slice(0, 60))} is not a file name from this upload`, { path: 'entry' });
    }
    const target = path.join(found.root, ...segments);
    let real: string;
    try {
      real = realpathSync(target);
    } catch {
      throw new InitScopeError('invalid_input', `entry ${JSON.stringify(entry)} is not a file of this upload`, { path: 'entry' });
    }
    if (!isInside(realpathSync(found.root), real))
      throw new InitScopeError('invalid_input', `entry ${JSON.stringify(entry)} is not a file of this upload`, { path: 'entry' });
    return target;
  }

  /**
   * Turns the options a client sent (handles) into the importer's options (paths).
   * @throws InitScopeError as {@link resolve}
   */
  resolveOptions(options: DatasetSourceOptions): DatasetImportOptions {
    const { source, entry, labelsSource, labelsEntry, testSource, testEntry, testLabelsSource, testLabelsEntry, ...rest } = options;
    const labelsPath = this.resolveOptional(labelsSource, labelsEntry, source);
    const testPath = this.resolveOptional(testSource, testEntry, source);
    const testLabelsPath = this.resolveOptional(testLabelsSource, testLabelsEntry, testSource ?? source);
    return {
      ...rest,
      path: this.resolve(source, entry),
      ...(labelsPath !== undefined ? { labelsPath } : {}),
      ...(testPath !== undefined ? { testPath } : {}),
      ...(testLabelsPath !== undefined ? { testLabelsPath } : {}),
    };
  }

  /** An optional file: its own handle (plus entry), else an entry inside `fallback`'s upload, else none. */
  private resolveOptional(handle: string | undefined, entry: string | undefined, fallback: string): string | undefined {
    if (handle !== undefined) return this.resolve(handle, entry);
    return entry !== undefined ? this.resolve(fallback, entry) : undefined;
  }

  /**
   * Rewrites an error that names files inside an upload so it names them as the page uploaded them
   * (`data.csv, line 3: …`, not the host path of the data folder).
   */
  redact(handle: string, error: unknown): unknown {
    const found = this.handles.get(handle);
    if (!found || found.kind !== 'upload' || !(error instanceof InitScopeError)) return error;
    const prefix = `${found.root}${path.sep}`;
    const strip = (text: string): string => text.split(prefix).join('').split(found.root).join('(upload)');
    const details = error.details && typeof error.details === 'object' ? { ...(error.details as Record<string, unknown>) } : error.details;
    if (details && typeof details === 'object' && typeof (details as { file?: unknown }).file === 'string') {
      (details as { file: string }).file = strip((details as { file: string }).file);
    }
    return new InitScopeError(error.code, strip(error.message), details);
  }

  /** Forgets a handle; an upload's folder is deleted. False if the handle was unknown. */
  release(handle: string): boolean {
    const found = this.handles.get(handle);
    if (!found) return false;
    this.handles.delete(handle);
    if (found.kind === 'upload') rmSync(found.root, { recursive: true, force: true });
    return true;
  }

  /** Deletes every upload this registry made (the host is closing). */
  releaseAll(): void {
    for (const handle of [...this.handles.keys()]) this.release(handle);
  }

  private pathHandleCount(): number {
    let n = 0;
    for (const e of this.handles.values()) if (e.kind === 'path') n++;
    return n;
  }
}

/** A fresh unguessable handle: `src_` + 32 hex digits (128 random bits). */
function newHandle(): string {
  return `src_${randomBytes(16).toString('hex')}`;
}

/**
 * Deletes upload folders left behind by hosts that are gone (their `.owner` process is not running, or
 * the owner file is missing or unreadable); folders of a live host sharing the data folder are kept.
 * Anything in `uploads/` that is not an upload folder is deleted too. Returns the names removed.
 */
export function sweepStaleUploads(dataDir: string): string[] {
  const dir = path.join(dataDir, UPLOADS_FOLDER);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const folder = path.join(dir, name);
    let live = false;
    if (UPLOAD_DIR.test(name)) {
      try {
        const owner = JSON.parse(readFileSync(path.join(folder, OWNER_FILE), 'utf8')) as { pid?: unknown };
        live = typeof owner.pid === 'number' && owner.pid !== process.pid && processAlive(owner.pid) && statSync(folder).isDirectory();
      } catch {
        live = false;
      }
    }
    if (live) continue;
    rmSync(folder, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
