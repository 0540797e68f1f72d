import { z } from 'zod';
import { PICK_PATH_IPC_CHANNEL } from '../../contract/index.js';
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
 * (`{ kind: 'file' | 'folder' }`), shows the open dialog and answers the chosen path or null (cancelled,
 * untrusted sender, or malformed request). Returns a function that removes the handler.
 */
export function registerPickPath(
  ipcMain: IpcMainLike,
  showOpenDialog: ShowOpenDialog,
  isTrustedSender: (url: string) => boolean,
): () => void {
  ipcMain.handle(PICK_PATH_IPC_CHANNEL, async (event, payload) => {
    const url = event.senderFrame?.url;
    if (!url || !isTrustedSender(url)) return null;
    const request = PickPathRequest.safeParse(payload);
    if (!request.success) return null;
    const result = await showOpenDialog({ properties: [request.data.kind === 'file' ? 'openFile' : 'openDirectory'] });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });
  return () => ipcMain.removeHandler(PICK_PATH_IPC_CHANNEL);
}
