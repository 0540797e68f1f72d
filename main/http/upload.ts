import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InitScopeError, SourceHandle, type UploadResult } from '../../contract/index.js';
import type { HostServices } from '../services/host-services.js';
import { sendWire, sendWireError } from './respond.js';

/** Largest accepted upload: 1 GiB (MNIST's four files together are 55 MB uncompressed). */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 ** 3;

/** File types the importer reads. */
const ALLOWED = /\.(gz|csv|tsv|tab|txt|npy|npz|png|jpe?g)$|(idx\d-?ubyte|\.idx\d|-ubyte)$/i;
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._ ()+-]{0,199}$/;

/**
 * A safe relative file name for an upload: at most two segments (class folder and file), each a plain
 * name (no `..`, no separators, no leading dot), with an importable extension; null otherwise.
 */
export function safeUploadName(name: string): string | null {
  const segments = name.split('/');
  if (segments.length > 2 || !segments.every((s) => SEGMENT.test(s) && s !== '..')) return null;
  return ALLOWED.test(segments.at(-1) as string) ? segments.join(path.sep) : null;
}

/**
 * Answers `POST /api/upload?name=…[&source=src_…]` (access already checked by the server): streams the
 * body (at most `maxBytes`; larger uploads are cut off with 413 and the partial file removed) into a
 * fresh upload folder under `<dataDir>/uploads/` (or, with `source`, into that earlier upload's folder,
 * e.g. an image folder's class sub-folders) and answers `{ source, entry }`: the upload's handle and the
 * file's name in it. No host path goes back to the page; `datasets/preview` and `datasets/import` take
 * the handle. A failed first file releases (deletes) its fresh upload.
 */
export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  services: HostServices,
  headers: Record<string, string>,
  maxBytes = DEFAULT_MAX_UPLOAD_BYTES,
): Promise<void> {
  if (req.method !== 'POST') return sendWireError(res, 405, 'unknown_method', 'Use POST to upload', { ...headers, Allow: 'POST' });
  const sources = services.sources;
  if (!sources) return sendWireError(res, 404, 'unknown_method', 'This host takes no uploads', headers);
  const name = safeUploadName(query.get('name') ?? '');
  if (!name)
    return sendWireError(
      res,
      400,
      'invalid_input',
      'name must be a file name (optionally class/file) ending in .csv, .tsv, .npy, .npz, .png, .jpg, .gz or an IDX name',
      headers,
    );
  const given = query.get('source');
  if (given !== null && !SourceHandle.safeParse(given).success)
    return sendWireError(res, 400, 'invalid_input', 'source must be a handle returned by an earlier upload', headers);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return sendWireError(res, 413, 'invalid_input', `Upload exceeds ${maxBytes} bytes`, { ...headers, Connection: 'close' });
  }
  let handle: string;
  let folder: string;
  try {
    if (given === null) ({ handle, dir: folder } = sources.createUpload());
    else {
      handle = given;
      folder = sources.uploadDir(given);
    }
  } catch (error) {
    const known = error instanceof InitScopeError;
    return sendWireError(res, known ? 404 : 500, known ? error.code : 'internal', known ? error.message : 'Could not create the upload folder', headers);
  }
  const file = path.join(folder, name);
  mkdirSync(path.dirname(file), { recursive: true });
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes && !tooLarge) {
      tooLarge = true;
      req.unpipe();
      req.destroy();
    }
  });
  try {
    await pipeline(req, createWriteStream(file, { flags: 'wx' }));
  } catch {
    rmSync(file, { force: true });
    if (given === null) sources.release(handle);
    if (!res.headersSent) {
      if (tooLarge) sendWireError(res, 413, 'invalid_input', `Upload exceeds ${maxBytes} bytes`, { ...headers, Connection: 'close' });
      else if (!req.destroyed) sendWireError(res, 409, 'conflict', `${name} was already uploaded to this folder`, headers);
    }
    return;
  }
  const value: UploadResult = { source: handle, entry: name.split(path.sep).join('/') };
  sendWire(res, 200, { ok: true, value }, headers);
}
