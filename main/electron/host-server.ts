import { writeFileSync } from 'node:fs';
import type { RunSummary } from '../../contract/index.js';
import { zipDownloads } from '../export/zip-download.js';
import { dispatch } from '../services/dispatch.js';
import { subscribeHostEvents } from '../services/host-events.js';
import type { HostServices } from '../services/host-services.js';
import { MainToHost, type HostToMain } from './host-protocol.js';

/** Electron's `process.parentPort` in a utility process (structural, so it is tested in plain Node). */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: HostToMain): void;
}

/** What the host process is started with (the first message from main). */
export interface HostInit {
  dataDir: string;
  /** better-sqlite3 driver built for Electron's ABI (see electron-sqlite.ts); Node's own when absent. */
  nativeBinding?: string;
}

/**
 * Serves the host services to Electron's main process over `port` (the host utility process's side of
 * host-bridge.ts): waits for `init`, opens the services with `open` (answering `ready`, or
 * `startFailed` with the reason), then answers each `call` with its WireResult, pushes every host event,
 * counts unfinished runs for the quit question, registers paths chosen in the native dialog with the
 * source registry (answering their handles), writes exports to paths chosen in the save dialog, and on `shutdown` closes the services leaving unfinished
 * runs to the next start, answers `closed` and calls `exit(0)`. Calls that arrive while the services
 * open wait for them. Malformed messages are logged and dropped.
 */
export function serveHost(
  port: ParentPortLike,
  open: (init: HostInit) => Promise<HostServices>,
  exit: (code: number) => void,
  log: (message: string) => void = (m) => console.error(m),
): void {
  let services: Promise<HostServices> | null = null;
  const post = (message: HostToMain) => port.postMessage(message);

  port.on('message', ({ data }) => {
    const parsed = MainToHost.safeParse(data);
    if (!parsed.success) {
      log(`InitScope host: dropped a malformed message from the main process (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'init') {
      if (services) return;
      const init: HostInit = { dataDir: message.dataDir, ...(message.nativeBinding ? { nativeBinding: message.nativeBinding } : {}) };
      services = open(init);
      services.then(
        (s) => {
          subscribeHostEvents(s, (event) => post({ type: 'event', event }));
          post({ type: 'ready' });
        },
        (error: unknown) => {
          post({ type: 'startFailed', message: error instanceof Error ? error.message : String(error) });
          exit(1);
        },
      );
      return;
    }
    if (!services) {
      log(`InitScope host: '${message.type}' before 'init' was dropped`);
      return;
    }
    void services.then(
      async (s) => {
        if (message.type === 'call') {
          post({ type: 'result', id: message.id, result: await dispatch(s.handlers, message.method, message.payload) });
        } else if (message.type === 'activeWork') {
          const runs = await dispatch(s.handlers, 'runs/list', {});
          const count = runs.ok ? (runs.value as RunSummary[]).filter((r) => r.status === 'queued' || r.status === 'running').length : 0;
          post({ type: 'activeWork', id: message.id, count });
        } else if (message.type === 'registerSource') {
          if (s.sources) post({ type: 'sourceRegistered', id: message.id, source: s.sources.registerPath(message.path) });
          else {
            log('InitScope host: no source registry, so a path chosen in the dialog cannot be used');
            post({ type: 'closed', id: message.id });
          }
        } else if (message.type === 'saveExport') {
          post({ type: 'exportSaved', id: message.id, error: saveExport(s, message) });
        } else {
          await s.close({ leaveUnfinished: true }).catch((error: unknown) => log(`InitScope host: closing failed: ${String(error)}`));
          post({ type: 'closed', id: message.id });
          exit(0);
        }
      },
      () => undefined,
    );
  });
}

/**
 * Writes exported files the host recorded (found by sha256 through findDownload, so only its own
 * exports whose bytes still match) to `path`: one file as itself, several as one zip. Returns null
 * when written, else the reason.
 */
function saveExport(s: HostServices, request: { sha256s: string[]; zipName: string | null; path: string }): string | null {
  const find = (sha256: string) => s.findDownload?.(sha256) ?? null;
  const file =
    request.zipName === null && request.sha256s.length === 1
      ? find(request.sha256s[0] as string)
      : zipDownloads(find, request.sha256s, request.zipName ?? 'export');
  if (!file) return `The exported file${request.sha256s.length > 1 ? 's are' : ' is'} no longer in the data folder (or changed since); export again.`;
  try {
    writeFileSync(request.path, file.data);
    return null;
  } catch (error) {
    return `Could not write ${request.path}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
