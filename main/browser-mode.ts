import path from 'node:path';
import { findPackageRoot } from './package-root.js';
import { generateToken, startHttpServer } from './http/index.js';
import { createHostServices } from './services/create-host.js';

/** Port tried first in browser mode; a busy port falls back to any free one. */
export const DEFAULT_PORT = 5780;

export interface BrowserModeOptions {
  dataDir: string;
  dbPath: string;
  /** 0 picks any free port; undefined tries {@link DEFAULT_PORT} first. */
  port?: number;
}

export interface BrowserMode {
  /** The URL to open, with the access token. */
  url: string;
  /** Resolves once the server and services have shut down (Ctrl-C, SIGTERM or `close()`). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Serves the workbench on 127.0.0.1 over the host services, until a signal or `close()`. */
export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const services = await createHostServices({ dataDir: options.dataDir, dbPath: options.dbPath, shell: 'browser' });
  const token = generateToken();
  const staticDir = path.join(findPackageRoot(), 'dist', 'renderer');
  const listen = (port: number) => startHttpServer({ services, token, port, staticDir });
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await listen(options.port ?? DEFAULT_PORT);
  } catch (error) {
    if (options.port !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      await services.close();
      throw error;
    }
    server = await listen(0);
  }
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      process.off('SIGINT', close);
      process.off('SIGTERM', close);
      await server.close();
      await services.close();
      resolveClosed();
    })());
  process.on('SIGINT', close);
  process.on('SIGTERM', close);
  return { url: server.url, closed, close };
}
