import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_PREFIX, HTTP_STATUS_OF, isMethodName } from '../../contract/index.js';
import { dispatch } from '../services/dispatch.js';
import type { HostServices } from '../services/host-services.js';
import { BodyTooLargeError, readBody } from './body.js';
import { sendWire, sendWireError } from './respond.js';

/** Default limit on a request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The contract method named by an API path (`/api/runs/start` → `runs/start`), or undefined. */
export function methodOfPath(path: string): string | undefined {
  return path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : undefined;
}

/**
 * Answers `POST /api/<method>`: reads the JSON body (at most `maxBodyBytes`), dispatches it to the
 * services and sends the {@link WireResult} with status 200, or `HTTP_STATUS_OF[error.code]` on failure.
 * Unknown methods get 404, other HTTP verbs 405, bodies that are not JSON 400, too large ones 413.
 */
export async function handleApiCall(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  services: HostServices,
  maxBodyBytes: number,
  headers: Record<string, string>,
): Promise<void> {
  const method = methodOfPath(path) ?? '';
  if (!isMethodName(method)) {
    sendWireError(res, 404, 'unknown_method', `Unknown method: ${method.slice(0, 100)}`, headers);
    return;
  }
  if (req.method !== 'POST') {
    sendWireError(res, 405, 'unknown_method', `Use POST for ${API_PREFIX}${method}`, { ...headers, Allow: 'POST' });
    return;
  }
  let text: string;
  try {
    text = await readBody(req, maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendWireError(res, 413, 'invalid_input', error.message, { ...headers, Connection: 'close' });
    } else {
      req.destroy();
    }
    return;
  }
  let payload: unknown;
  try {
    payload = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    sendWireError(res, 400, 'invalid_input', 'Request body is not valid JSON', headers);
    return;
  }
  const result = await dispatch(services.handlers, method, payload);
  sendWire(res, result.ok ? 200 : HTTP_STATUS_OF[result.error.code], result, headers);
}
