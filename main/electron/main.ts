// Electron entry point: windows, dialogs and the bridge to the host utility process. Keep it thin:
// every piece is a small, tested module of this folder; nothing here touches SQL, files or the engine.
import { app, BrowserWindow, dialog, ipcMain, protocol, shell, utilityProcess } from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_NAME, defaultDataDir } from '../app-paths.js';
import { contentSecurityPolicy } from '../http/csp.js';
import { findPackageRoot } from '../package-root.js';
import { READY_SIGNAL } from '../electron-launch.js';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler, isAppUrl } from './app-protocol.js';
import { forwardEvents } from './events.js';
import { HostBridge } from './host-bridge.js';
import { handleRelaunch } from './instance-events.js';
import { registerIpcHandlers } from './ipc.js';
import { registerPickPath } from './pick-path.js';
import { registerSaveExport } from './save-export.js';
import { guardQuit } from './quit.js';
import { quitChoiceOf, quitDialogOptions } from './quit-dialog.js';
import { desktopSqliteBinding } from './sqlite-binding.js';
import { secureWebContents, secureWebPreferences } from './window-options.js';

const root = findPackageRoot();
const rendererDir = path.join(root, 'dist', 'renderer');
const preloadPath = path.join(root, 'dist', 'preload', 'preload.cjs');
const hostEntry = fileURLToPath(new URL('./host-process.js', import.meta.url));
/** Started by `npm start`, which waits for READY_SIGNAL and falls back to browser mode without it. */
const launchedByStart = process.env.INITSCOPE_READY_SIGNAL === '1';

app.setName(APP_NAME);
app.setPath('userData', path.join(app.getPath('appData'), APP_NAME));
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

let bridge: HostBridge | null = null;
let signalledReady = false;

function openWindow(): void {
  const win = new BrowserWindow({ width: 1280, height: 820, title: APP_NAME, show: false, webPreferences: secureWebPreferences(preloadPath) });
  if (bridge) {
    const host = bridge;
    forwardEvents((listener) => host.onEvent(listener), win.webContents);
  }
  win.once('ready-to-show', () => {
    win.show();
    if (launchedByStart && !signalledReady) {
      signalledReady = true;
      process.stdout.write(`${READY_SIGNAL}\n`);
    }
  });
  void win.loadURL(APP_ENTRY_URL);
}

async function start(relaunch: ReturnType<typeof handleRelaunch>): Promise<void> {
  await app.whenReady();
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir, readFile: (file) => readFile(file), contentSecurityPolicy: contentSecurityPolicy() }));
  const dataDir = process.env.INITSCOPE_DATA_DIR ? defaultDataDir() : app.getPath('userData');
  const nativeBinding = desktopSqliteBinding({ env: process.env, isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, exists: existsSync });
  const child = utilityProcess.fork(hostEntry, [], { serviceName: `${APP_NAME} host`, stdio: 'inherit' });
  const host = new HostBridge(child);
  await host.start({ dataDir, ...(nativeBinding ? { nativeBinding } : {}) });
  bridge = host;
  registerIpcHandlers(ipcMain, (method, payload) => host.call(method, payload), isAppUrl);
  registerPickPath(
    ipcMain,
    (options) => {
      const win = BrowserWindow.getFocusedWindow();
      return win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options);
    },
    isAppUrl,
    (chosen) => host.registerSource(chosen),
  );
  registerSaveExport(
    ipcMain,
    (options) => {
      const win = BrowserWindow.getFocusedWindow();
      return win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options);
    },
    isAppUrl,
    (request) => host.saveExport(request),
  );
  relaunch.hostReady();
}

// One app instance: a second launch only brings the first one's window forward. (Other processes —
// `initscope serve`, CLI trains and sweeps — may share its database: see docs/design-notes.md,
// "Many processes, one store".)
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Registered before anything slow, so a second launch or a dock click during start-up is not lost.
  const relaunch = handleRelaunch(app, {
    first: () => BrowserWindow.getAllWindows()[0],
    open: openWindow,
  });
  app.on('web-contents-created', (_event, contents) => {
    secureWebContents(contents, { isAppUrl, openExternal: (url) => shell.openExternal(url) });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  guardQuit(app, {
    activeWork: () => bridge?.activeWork() ?? Promise.resolve(0),
    ask: async (count) => {
      const options = quitDialogOptions(app.getLocale(), count);
      const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
      const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return quitChoiceOf(response);
    },
    shutdown: () => bridge?.shutdown() ?? Promise.resolve(),
    onWait: () => relaunch.reveal(),
  });
  start(relaunch).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // Under `npm start` the reason goes to the terminal, which then serves browser mode instead.
    if (launchedByStart) process.stderr.write(`${APP_NAME} could not start: ${message}\n`);
    else dialog.showErrorBox(`${APP_NAME} could not start`, message);
    app.exit(1);
  });
}
