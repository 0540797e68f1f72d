import { findPackageRoot } from './package-root.js';
import { startBrowserMode } from './browser-mode.js';
import { resolveStorage } from './cli/train-command.js';
import { findElectronBinary, tryDownloadElectron } from './electron-binary.js';
import { launchElectron } from './electron-launch.js';
import { ensureElectronSqlite, installedElectronVersion } from './electron-sqlite.js';

/**
 * Tries the desktop app: Electron's binary (downloaded once if needed), a database driver built for
 * Electron's ABI (cached apart from Node's; downloaded or built once), then Electron itself until its
 * window shows. Returns null when the app ran (the process then exits with its code), or the reason it
 * could not.
 */
async function tryDesktop(root: string): Promise<string | null> {
  let electron = findElectronBinary(root);
  if (!electron.found && !process.env.INITSCOPE_ELECTRON && process.env.INITSCOPE_NO_DOWNLOAD !== '1') electron = tryDownloadElectron(root);
  if (!electron.found) return electron.reason;
  const electronVersion = installedElectronVersion(root);
  if (!electronVersion) return 'the electron package is not installed';
  const driver = ensureElectronSqlite({
    root,
    target: { electronVersion, platform: process.platform, arch: process.arch },
    progress: (line) => process.stdout.write(`${line}\n`),
  });
  if (!driver.found) return driver.reason;
  const outcome = await launchElectron(electron.path, root, { INITSCOPE_SQLITE_BINDING: driver.path });
  if (outcome.kind === 'exited') process.exit(outcome.code);
  return outcome.reason;
}

/**
 * `npm start`: opens the desktop app when it can; otherwise explains why in one line and serves
 * browser mode on 127.0.0.1 until Ctrl-C. `INITSCOPE_BROWSER=1` skips Electron; `INITSCOPE_PORT` picks
 * the port; `INITSCOPE_ELECTRON` names the Electron executable and `INITSCOPE_ELECTRON_SQLITE` the
 * Electron-ABI driver to use (both optional).
 */
export async function start(): Promise<void> {
  const root = findPackageRoot();
  if (process.env.INITSCOPE_BROWSER !== '1') {
    const reason = await tryDesktop(root);
    if (reason === null) return;
    process.stdout.write(`Electron is not available (${reason}); starting browser mode instead.\n`);
  }
  const port = process.env.INITSCOPE_PORT ? Number(process.env.INITSCOPE_PORT) : undefined;
  const server = await startBrowserMode({ ...resolveStorage(process.env.INITSCOPE_DB), port });
  process.stdout.write(`InitScope is running in browser mode: open ${server.url}  (Ctrl-C to stop)\n`);
  await server.closed;
}
