import { METHOD_NAMES, type MethodName } from '../contract/method-names.js';
import type { BridgeApi, SaveExportOptions, WireResult } from '../contract/wire.js';
import { EVENTS_IPC_CHANNEL, ipcChannelOf, PICK_PATH_IPC_CHANNEL, SAVE_EXPORT_IPC_CHANNEL } from '../contract/method-names.js';

/** A listener as `ipcRenderer.on` calls it: the IPC event first, then the arguments. */
export type IpcRendererListener = (event: unknown, ...args: unknown[]) => void;

/** The part of Electron's `ipcRenderer` the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcRendererListener): unknown;
  removeListener(channel: string, listener: IpcRendererListener): unknown;
}

/**
 * Builds the API the preload exposes to the page: one function per contract method (from METHOD_NAMES,
 * each invoking only its own `initscope:<method>` channel with one payload argument), `onEvent`, and
 * `pickPath` (the native open dialog; only a source handle for the chosen path and its base name come back)
 * and `saveExport` (the native save dialog for exported files named by sha256; only the saved base name comes back).
 * Neither `ipcRenderer` nor a way to name a channel is exposed, and event listeners receive only the
 * event data, never Electron's IPC event object.
 */
export function createBridgeApi(ipcRenderer: IpcRendererLike): BridgeApi {
  const invoke = {} as Record<MethodName, (payload: unknown) => Promise<WireResult>>;
  for (const method of METHOD_NAMES) {
    const channel = ipcChannelOf(method);
    invoke[method] = (payload) => ipcRenderer.invoke(channel, payload) as Promise<WireResult>;
  }
  return Object.freeze({
    invoke: Object.freeze(invoke),
    onEvent(listener: (raw: unknown) => void): () => void {
      const forward: IpcRendererListener = (_event, raw) => listener(raw);
      ipcRenderer.on(EVENTS_IPC_CHANNEL, forward);
      return () => {
        ipcRenderer.removeListener(EVENTS_IPC_CHANNEL, forward);
      };
    },
    pickPath: async (options: { kind: 'file' | 'folder' }) => {
      const picked = (await ipcRenderer.invoke(PICK_PATH_IPC_CHANNEL, { kind: options.kind })) as { source?: unknown; name?: unknown } | null;
      return picked && typeof picked.source === 'string' && typeof picked.name === 'string' ? { source: picked.source, name: picked.name } : null;
    },
    saveExport: async (options: SaveExportOptions) => {
      const files = options.files.map((f) => ({ sha256: String(f.sha256), name: String(f.name) }));
      const request = options.zipName === undefined ? { files } : { files, zipName: String(options.zipName) };
      const saved = (await ipcRenderer.invoke(SAVE_EXPORT_IPC_CHANNEL, request)) as { name?: unknown } | null;
      return saved && typeof saved.name === 'string' ? { name: saved.name } : null;
    },
  });
}
