import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { HostServices } from '../services/host-services.js';
import { sendWire, sendWireError } from './respond.js';

/** Largest accepted upload: 1 GiB (MNIST's four files together are 55 MB uncompressed). */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 ** 3;

/** File types the importer reads. */
const ALLOWED = /\.(gz|csv|tsv|tab|txt|npy|npz|png|jpe?g)$|(idx\d-?ubyte|\.idx\d|-ubyte)$/i;
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._ ()+-]{0,199}$/;
const FOLDER = /^up_[0-9a-f]{16}$/;

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
 * Answers `POST /api/upload?name=…[&folder=up_…]` (access already checked by the server): streams the
 * body (at most `maxBytes`; larger uploads are cut off with 413 and the partial file removed) to
 * `<dataDir>/uploads/<folder>/<name>` and answers the saved file's path and its folder. Files sent with
 * the same `folder` (e.g. an image folder's class sub-folders) land side by side.
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
  const name = safeUploadName(query.get('name') ?? '');
  if (!name) return sendWireError(res, 400, 'invalid_input', 'name must be a file name (optionally class/file) ending in .csv, .tsv, .npy, .npz, .png, .jpg, .gz or an IDX name', headers);
  const folderId = query.get('folder') ?? `up_${randomBytes(8).toString('hex')}`;
  if (!FOLDER.test(folderId)) return sendWireError(res, 400, 'invalid_input', 'folder must be an id returned by an earlier upload', headers);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return sendWireError(res, 413, 'invalid_input', `Upload exceeds ${maxBytes} bytes`, { ...headers, Connection: 'close' });
  }
  const { dataDir } = await services.handlers['app/info']({});
  const folder = path.join(dataDir, 'uploads', folderId);
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
    await pipeline(req, createWriteStream(file));
  } catch {
    rmSync(file, { force: true });
    if (tooLarge && !res.headersSent) sendWireError(res, 413, 'invalid_input', `Upload exceeds ${maxBytes} bytes`, { ...headers, Connection: 'close' });
    return;
  }
  sendWire(res, 200, { ok: true, value: { path: file, folder } }, headers);
}
