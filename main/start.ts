import { spawn } from 'node:child_process';
import { findPackageRoot } from './package-root.js';
import { startBrowserMode } from './browser-mode.js';
import { resolveStorage } from './cli/train-command.js';
import { findElectronBinary, tryDownloadElectron } from './electron-binary.js';

/**
 * `npm start`: opens the desktop app when Electron's binary is available (downloading it once if
 * needed); otherwise explains why in one line and serves browser mode on 127.0.0.1 until Ctrl-C.
 * `INITSCOPE_BROWSER=1` skips Electron; `INITSCOPE_PORT` picks the port.
 */
export async function start(): Promise<void> {
  const root = findPackageRoot();
  if (process.env.INITSCOPE_BROWSER !== '1') {
    let electron = findElectronBinary(root);
    if (!electron.found && process.env.INITSCOPE_NO_DOWNLOAD !== '1') electron = tryDownloadElectron(root);
    if (electron.found) {
      const child = spawn(electron.path, [root], { stdio: 'inherit' });
      child.on('exit', (code) => process.exit(code ?? 1));
      return;
    }
    process.stdout.write(`Electron is not available (${electron.reason}); starting browser mode instead.\n`);
  }
  const port = process.env.INITSCOPE_PORT ? Number(process.env.INITSCOPE_PORT) : undefined;
  const server = await startBrowserMode({ ...resolveStorage(process.env.INITSCOPE_DB), port });
  process.stdout.write(`InitScope is running in browser mode: open ${server.url}  (Ctrl-C to stop)\n`);
  await server.closed;
}
