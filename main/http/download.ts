import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostServices } from '../services/host-services.js';
import { zipDownloads } from '../export/zip-download.js';
import { sendText } from './respond.js';

/** `filename` and RFC 5987 `filename*` of a Content-Disposition attachment (quotes and controls removed). */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * `GET /api/download?sha256=…`: sends one exported file as an attachment (never rendered by the
 * page's origin: `application/octet-stream`, `nosniff`, a sandboxing CSP). With `zip=<name>` and one
 * or more `sha256` parameters, those files as one `<name>.zip` (see zipDownloads). The access check
 * (token, loopback Host) has already passed. 404 for anything the host did not write and record (see
 * HostServices.findDownload), 405 for a method other than GET/HEAD.
 */
export function handleDownload(
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  services: HostServices,
  headers: Record<string, string>,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Use GET', { ...headers, Allow: 'GET, HEAD' });
    return;
  }
  const sha256 = query.get('sha256') ?? '';
  const zipName = query.get('zip');
  const find = (hash: string) => services.findDownload?.(hash) ?? null;
  const file = zipName === null ? find(sha256) : zipDownloads(find, query.getAll('sha256'), zipName);
  if (!file) {
    sendText(res, 404, `No exported file with sha256 ${query.getAll('sha256').join(', ').slice(0, 200)}`, headers);
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': 'application/octet-stream',
    'Content-Length': file.data.byteLength,
    'Content-Disposition': attachmentHeader(file.name),
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : file.data);
}
