// Electron entry point: wires the small, tested modules of this folder to Electron. Keep it thin.
import { app, BrowserWindow, dialog, ipcMain, session, shell, utilityProcess } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_NAME, defaultDataDir } from '../app-paths.js';
import { findPackageRoot } from '../package-root.js';
import { contentSecurityPolicy } from '../http/csp.js';
import { createHostServices } from '../services/create-host.js';
import { resolveWorkerEntry } from '../services/worker-launcher.js';
import type { HostServices } from '../services/host-services.js';
import { createAppUrlMatcher } from './app-url.js';
import { withContentSecurityPolicy } from './csp-headers.js';
import { forwardEvents } from './events.js';
import { registerIpcHandlers } from './ipc.js';
import { registerPickPath } from './pick-path.js';
import { closeOnQuit } from './quit.js';
import { utilityProcessLauncher } from './utility-launcher.js';
import { secureWebContents, secureWebPreferences } from './window-options.js';

const root = findPackageRoot();
const appUrl = pathToFileURL(path.join(root, 'dist', 'renderer', 'index.html')).href;
const preloadPath = path.join(root, 'dist', 'preload', 'preload.cjs');
const isAppUrl = createAppUrlMatcher(appUrl);

app.setName(APP_NAME);
app.setPath('userData', path.join(app.getPath('appData'), APP_NAME));
app.enableSandbox();

app.on('web-contents-created', (_event, contents) => {
  secureWebContents(contents, { isAppUrl, openExternal: (url) => shell.openExternal(url) });
});

function openWindow(services: HostServices): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: APP_NAME,
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  });
  forwardEvents(services, win.webContents);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(appUrl);
}

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = process.env.INITSCOPE_DATA_DIR ? defaultDataDir() : app.getPath('userData');
  // Engine workers run as utility processes, never on this (main) thread.
  const launcher = utilityProcessLauncher((modulePath, args, options) => utilityProcess.fork(modulePath, args, options), resolveWorkerEntry().path);
  const services = await createHostServices({ dataDir, shell: 'electron', launcher });
  closeOnQuit(app, () => services.close());
  registerIpcHandlers(ipcMain, services, isAppUrl);
  registerPickPath(
    ipcMain,
    (options) => {
      const win = BrowserWindow.getFocusedWindow();
      return win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options);
    },
    isAppUrl,
  );
  const csp = contentSecurityPolicy();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, csp) });
  });
  openWindow(services);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow(services);
  });
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win?.isMinimized()) win.restore();
    win?.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

// One app instance: a second launch only focuses the first one's window. (Other processes — `initscope serve`,
// CLI trains and sweeps — may share its database: see docs/design-notes.md, "Many processes, one store".)
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start().catch((error: unknown) => {
    dialog.showErrorBox(`${APP_NAME} could not start`, error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}
