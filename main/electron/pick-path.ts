import path from 'node:path';
import { z } from 'zod';
import { PICK_PATH_IPC_CHANNEL, type PickedSource } from '../../contract/index.js';
import type { IpcMainLike } from './ipc.js';

/** The part of Electron's `dialog.showOpenDialog` result the handler reads. */
export interface OpenDialogResult {
  canceled: boolean;
  filePaths: string[];
}

/** Shows the native open dialog with Electron's option names. */
export type ShowOpenDialog = (options: { properties: Array<'openFile' | 'openDirectory'>; title?: string }) => Promise<OpenDialogResult>;

const PickPathRequest = z.object({ kind: z.enum(['file', 'folder']) }).strict();

/**
 * Registers the handler behind `BridgeApi.pickPath`: for a trusted sender and a valid request
 * (`{ kind: 'file' | 'folder' }`), shows the open dialog, registers the chosen path with `register` (the
 * host's source registry: it answers an opaque handle) and answers `{ source, name }` (the handle and the
 * path's base name) or null (cancelled, untrusted sender, or malformed request). The renderer never gets
 * a path, so it cannot name one the user did not choose. Returns a function that removes the handler.
 */
export function registerPickPath(
  ipcMain: IpcMainLike,
  showOpenDialog: ShowOpenDialog,
  isTrustedSender: (url: string) => boolean,
  register: (chosenPath: string) => string | Promise<string>,
): () => void {
  ipcMain.handle(PICK_PATH_IPC_CHANNEL, async (event, payload): Promise<PickedSource | null> => {
    const url = event.senderFrame?.url;
    if (!url || !isTrustedSender(url)) return null;
    const request = PickPathRequest.safeParse(payload);
    if (!request.success) return null;
    const result = await showOpenDialog({ properties: [request.data.kind === 'file' ? 'openFile' : 'openDirectory'] });
    const chosen = result.canceled ? undefined : result.filePaths[0];
    return chosen ? { source: await register(chosen), name: path.basename(chosen) } : null;
  });
  return () => ipcMain.removeHandler(PICK_PATH_IPC_CHANNEL);
}
