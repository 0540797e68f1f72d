/**
 * Entry point of the desktop app's host: an Electron utility process (`utilityProcess.fork`) that runs
 * the same host services as browser mode — store, import, sweeps and the engine pool — so that no SQL,
 * sweep summary or file decoding runs on Electron's main process, which keeps only windows, dialogs and
 * the bridge (host-bridge.ts). Engine workers are its child processes: `child_process.fork` of the
 * Electron executable running as Node (`ELECTRON_RUN_AS_NODE`), the same launcher browser mode uses.
 */
import { createHostServices } from '../services/create-host.js';
import { forkWorkerLauncher } from '../services/worker-launcher.js';
import { serveHost, type ParentPortLike } from './host-server.js';

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!parentPort) {
  process.stderr.write('InitScope: host-process.js runs only as an Electron utility process.\n');
  process.exit(2);
}

serveHost(
  parentPort,
  (init) =>
    createHostServices({
      dataDir: init.dataDir,
      shell: 'electron',
      launcher: forkWorkerLauncher({ ELECTRON_RUN_AS_NODE: '1' }),
      ...(init.nativeBinding ? { nativeBinding: init.nativeBinding } : {}),
    }),
  (code) => process.exit(code),
);
