import { startBrowserMode } from '../browser-mode.js';
import { resolveStorage } from './train-command.js';

/** `initscope serve`: browser mode until Ctrl-C. */
export async function serveCommand(options: { db?: string; port?: number }): Promise<number> {
  const server = await startBrowserMode({ ...resolveStorage(options.db), port: options.port });
  process.stdout.write(`InitScope is running in browser mode: ${server.url}\n`);
  await server.closed;
  return 0;
}
