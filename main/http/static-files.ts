import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { sendText } from './respond.js';

/** Content types of the files the built renderer contains; anything else is served as bytes. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type for a file name, by extension. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** True if `target` is `root` or lies inside it (both absolute, resolved). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Maps a raw URL path to a file path inside `root`, or undefined if it is malformed (bad
 * percent-encoding, NUL byte) or would leave `root` (`/../x`, `/%2e%2e/x`, `/..%2fx`, `\..\x`).
 */
export function resolveStaticPath(root: string, rawPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded === '/' ? 'index.html' : `.${decoded.startsWith('/') ? '' : '/'}${decoded}`;
  const target = path.resolve(root, relative);
  return isInside(root, target) ? target : undefined;
}

async function regularFile(root: string, file: string): Promise<string | undefined> {
  try {
    const real = await realpath(file);
    if (!isInside(root, real)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves a GET/HEAD request from the built renderer in `staticDir`: `/` is index.html, unknown paths
 * without an extension fall back to index.html (client-side routes), everything else is 404. Paths that
 * would leave `staticDir` (also through a symbolic link) are 404 too.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  staticDir: string | undefined,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Method not allowed', { ...headers, Allow: 'GET, HEAD' });
    return;
  }
  if (!staticDir) {
    sendText(res, 404, 'Not found', headers);
    return;
  }
  const root = await realpath(staticDir).catch(() => path.resolve(staticDir));
  const target = resolveStaticPath(root, rawPath);
  if (target === undefined) {
    sendText(res, 404, 'Not found', headers);
    return;
  }
  let file = await regularFile(root, target);
  if (file === undefined && path.extname(target) === '') file = await regularFile(root, path.join(root, 'index.html'));
  if (file === undefined) {
    sendText(res, 404, 'Not found', headers);
    return;
  }
  const body = await readFile(file);
  res.writeHead(200, { ...headers, 'Content-Type': contentTypeOf(file), 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}
