import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { DOWNLOAD_PATH, EVENTS_PATH, UPLOAD_PATH } from '../../contract/index.js';
import type { HostServices } from '../services/host-services.js';
import { checkAccess, tokenCookie, type AccessDecision } from './access.js';
import { DEFAULT_MAX_BODY_BYTES, handleApiCall } from './api-route.js';
import { handleDownload } from './download.js';
import { createEventSockets } from './events-socket.js';
import { securityHeaders } from './headers.js';
import { parseRequestTarget } from './request-target.js';
import { sendText, sendWireError } from './respond.js';
import { handleUpload } from './upload.js';
import { serveStatic } from './static-files.js';
import { isValidToken } from './token.js';
import { rejectUpgrade } from './upgrade.js';

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  services: HostServices;
  /** Access token every request must present (see {@link generateToken}). */
  token: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** The built renderer (`dist/renderer`); without it only the API and the event socket are served. */
  staticDir?: string;
  /** Largest accepted request body; default 1 MiB. */
  maxBodyBytes?: number;
}

/** A running browser-mode server. */
export interface HttpServerHandle {
  /** The address to open in a browser, token included: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  port: number;
  /** Stops listening and closes every connection and event socket; does not close the services. */
  close(): Promise<void>;
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Starts the browser-mode server on 127.0.0.1 only: the contract's methods as `POST /api/<method>`, run
 * events over the WebSocket at `/api/events`, exported files at `GET /api/download?sha256=…`, and the
 * built renderer. Every request and upgrade must
 * carry the loopback Host header and the token (query, bearer header or cookie); POST requests and
 * upgrades with a foreign Origin are refused.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { services, token, staticDir } = options;
  if (!isValidToken(token)) throw new Error('The access token must be 16+ characters of [A-Za-z0-9._~-]');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let port = 0;
  const sockets = createEventSockets(services);

  const decide = (req: IncomingMessage, query: URLSearchParams, checkOrigin: boolean): AccessDecision =>
    port === 0 ? { ok: false, denied: { status: 403, message: 'Forbidden: server not ready' } } : checkAccess({ port, token }, req.headers, query, checkOrigin);

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { path, query } = parseRequestTarget(req.url);
    const api = isApiPath(path);
    const headers = securityHeaders(port) as Record<string, string>;
    if (api) headers['Cache-Control'] = 'no-store';
    const access = decide(req, query, req.method === 'POST');
    if (!access.ok) {
      const { status, message } = access.denied;
      if (api) sendWireError(res, status, 'unauthorized', message, headers);
      else sendText(res, status, message, headers);
      return;
    }
    if (access.setCookie) headers['Set-Cookie'] = tokenCookie(token);
    if (path === UPLOAD_PATH) {
      await handleUpload(req, res, query, services, headers);
    } else if (path === DOWNLOAD_PATH) {
      handleDownload(req, res, query, services, headers);
    } else if (path === EVENTS_PATH) {
      sendWireError(res, 426, 'invalid_input', 'Open this path as a WebSocket', { ...headers, Upgrade: 'websocket' });
    } else if (api) {
      await handleApiCall(req, res, path, services, maxBodyBytes, headers);
    } else {
      await serveStatic(req, res, path, staticDir, headers);
    }
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const { path, query } = parseRequestTarget(req.url);
    const access = decide(req, query, true);
    if (!access.ok) return rejectUpgrade(socket, access.denied.status, access.denied.message);
    if (path !== EVENTS_PATH) return rejectUpgrade(socket, 404, 'Not found');
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return rejectUpgrade(socket, 400, 'Bad upgrade');
    sockets.accept(req, socket, head);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else sendWireError(res, 500, 'internal', 'Internal server error');
    });
  });
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    port,
    close() {
      closing ??= (async () => {
        await sockets.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
