import path from 'node:path';
import { z } from 'zod';
import { SAVE_EXPORT_IPC_CHANNEL, type SavedExport } from '../../contract/index.js';
import type { IpcMainLike } from './ipc.js';

/** The part of Electron's `dialog.showSaveDialog` result the handler reads. */
export interface SaveDialogResult {
  canceled: boolean;
  filePath?: string | undefined;
}

/** Shows the native save dialog with Electron's option names. */
export type ShowSaveDialog = (options: { defaultPath: string; filters?: { name: string; extensions: string[] }[] }) => Promise<SaveDialogResult>;

/** What the host writes to the chosen path: those exported files, one as itself or several zipped. */
export interface SaveRequest {
  sha256s: string[];
  zipName: string | null;
  path: string;
}

const FileRef = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), name: z.string().min(1).max(255) }).strict();
const SaveExportRequest = z
  .object({ files: z.array(FileRef).min(1).max(32), zipName: z.string().min(1).max(120).optional() })
  .strict()
  .refine((r) => r.files.length === 1 || r.zipName !== undefined, { message: 'several files need a zipName' });

/** A file name safe to propose in the dialog (no folders, no control characters). */
function proposedName(name: string): string {
  const plain = path.basename(name.replace(/\\/g, '/')).replace(/[\p{Cc}<>:"|?*]/gu, '_');
  return plain || 'export';
}

/**
 * Registers the handler behind `BridgeApi.saveExport`: for a trusted sender and a valid request
 * (`{ files: [{ sha256, name }], zipName? }`), shows the save dialog proposing the file's name (or
 * `<zipName>.zip` for several), then has the host write those recorded exports to the chosen path
 * with `save` (the host reads only files it exported, by sha256; main touches no file). Answers
 * `{ name }` (the chosen base name) or null (cancelled, untrusted sender, malformed request). A
 * failed write rejects with the host's message. Returns a function that removes the handler.
 */
export function registerSaveExport(
  ipcMain: IpcMainLike,
  showSaveDialog: ShowSaveDialog,
  isTrustedSender: (url: string) => boolean,
  save: (request: SaveRequest) => Promise<void>,
): () => void {
  ipcMain.handle(SAVE_EXPORT_IPC_CHANNEL, async (event, payload): Promise<SavedExport | null> => {
    const url = event.senderFrame?.url;
    if (!url || !isTrustedSender(url)) return null;
    const request = SaveExportRequest.safeParse(payload);
    if (!request.success) return null;
    const { files, zipName } = request.data;
    const zip = files.length > 1 ? (zipName as string) : null;
    const defaultPath = zip === null ? proposedName((files[0] as { name: string }).name) : `${proposedName(zip).replace(/\.zip$/i, '')}.zip`;
    const ext = path.extname(defaultPath).slice(1);
    const result = await showSaveDialog({ defaultPath, ...(ext ? { filters: [{ name: ext.toUpperCase(), extensions: [ext] }] } : {}) });
    if (result.canceled || !result.filePath) return null;
    await save({ sha256s: files.map((f) => f.sha256), zipName: zip, path: result.filePath });
    return { name: path.basename(result.filePath) };
  });
  return () => ipcMain.removeHandler(SAVE_EXPORT_IPC_CHANNEL);
}
