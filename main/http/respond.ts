import type { ServerResponse } from 'node:http';
import type { ErrorCode, WireResult } from '../../contract/index.js';

/** Sends a short plain-text answer (refusals outside the API, missing files). */
export function sendText(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message) });
  res.end(message);
}

/** Sends a {@link WireResult} as JSON, never cached. */
export function sendWire(res: ServerResponse, status: number, result: WireResult, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(result);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/** Sends a failed {@link WireResult} with `code` and `message`. */
export function sendWireError(res: ServerResponse, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendWire(res, status, { ok: false, error: { code, message } }, headers);
}
