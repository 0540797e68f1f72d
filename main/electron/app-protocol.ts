import path from 'node:path';

/** The scheme the desktop renderer is served from (registered privileged before `ready`). */
export const APP_SCHEME = 'app';
/** The one host of that scheme: the app's origin is `app://initscope`, whatever the install path. */
export const APP_HOST = 'initscope';
/** The page every window loads. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * True for URLs of the app's own origin (`app://initscope/...`, any path, query or fragment). The
 * check never looks at the install path, so a per-user Windows install (`C:\Users\Zoë\AppData\...`),
 * a drive-letter case difference or percent-encoding cannot make it fail. Trusts IPC senders and
 * allows navigation.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` && parsed.host.toLowerCase() === APP_HOST && parsed.username === '' && parsed.password === '' && parsed.port === ''
  );
}

/** The path functions {@link resolveAppFile} needs (`path.win32` or `path.posix`; tests pass either). */
export type PathApi = Pick<typeof path, 'resolve' | 'relative' | 'isAbsolute' | 'sep'>;

/**
 * The file under `rendererDir` that an `app://initscope/<path>` request names, or null when the URL is
 * not the app's origin or its (percent-decoded) path leaves `rendererDir` (`..`, an encoded separator
 * or an absolute path). `/` and empty paths mean `index.html`.
 */
export function resolveAppFile(url: string, rendererDir: string, pathApi: PathApi = path): string | null {
  if (!isAppUrl(url)) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  if (relative.includes('\0') || relative.includes('\\')) return null;
  relative = relative.replace(/^\/+/, '');
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  if (pathApi.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) return null;
  const file = pathApi.resolve(rendererDir, ...relative.split('/'));
  const inside = pathApi.relative(rendererDir, file);
  if (inside === '' || inside.startsWith('..') || pathApi.isAbsolute(inside)) return null;
  return file;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** The Content-Type of a renderer file by its extension (`application/octet-stream` if unknown). */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** What the protocol handler needs: where the renderer lives, how to read a file, and the CSP. */
export interface AppProtocolOptions {
  rendererDir: string;
  readFile(file: string): Promise<Uint8Array>;
  contentSecurityPolicy: string;
  pathApi?: PathApi;
}

/**
 * The `protocol.handle('app', …)` handler: answers the renderer file a request names with its
 * Content-Type, the CSP as a response header (the header hook of `webRequest` never fires for
 * `file://`, so the policy rides on every response here) and `nosniff`; 404 for anything outside the
 * renderer folder or missing; 405 for methods other than GET/HEAD.
 */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: { url: string; method?: string }) => Promise<Response> {
  const headers = (contentType: string): Record<string, string> => ({
    'Content-Type': contentType,
    'Content-Security-Policy': options.contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  return async (request) => {
    const method = (request.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return new Response(null, { status: 405, headers: headers('text/plain') });
    const file = resolveAppFile(request.url, options.rendererDir, options.pathApi);
    if (file === null) return new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });
    let body: Uint8Array;
    try {
      body = await options.readFile(file);
    } catch {
      return new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });
    }
    return new Response(method === 'HEAD' ? null : new Blob([body as Uint8Array<ArrayBuffer>]), { status: 200, headers: headers(contentTypeOf(file)) });
  };
}

/** The privileges the `app` scheme is registered with (`protocol.registerSchemesAsPrivileged`). */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
} as const;
