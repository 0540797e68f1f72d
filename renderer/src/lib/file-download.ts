import { BRIDGE_KEY, DOWNLOAD_PATH, type BridgeApi } from '../../../contract/index.js';
import { downloadUrl } from './network-io.js';

/** An exported file as the host lists it. */
export interface ExportedRef {
  name: string;
  sha256: string;
}

/** The browser-mode address of an exported file (same origin; the token cookie goes along). */
export function exportedFileUrl(sha256: string): string {
  return `${DOWNLOAD_PATH}?sha256=${encodeURIComponent(sha256)}`;
}

/** The browser-mode address of several exported files as one zip named `<zipName>.zip`. */
export function exportedZipUrl(files: readonly ExportedRef[], zipName: string): string {
  const query = files.map((f) => `sha256=${encodeURIComponent(f.sha256)}`).join('&');
  return `${DOWNLOAD_PATH}?${query}&zip=${encodeURIComponent(zipName)}`;
}

/**
 * Browser mode: offers the exported files as downloads: with `zipName` and several files, one zip of
 * them all; otherwise every file, one after the other (`gapMs` apart, since browsers drop clicks that
 * come too fast).
 */
export async function downloadExportedFiles(files: readonly ExportedRef[], gapMs = 250, zipName?: string): Promise<void> {
  if (zipName !== undefined && files.length > 1) {
    downloadUrl(`${zipName}.zip`, exportedZipUrl(files, zipName));
    return;
  }
  for (const [i, f] of files.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    downloadUrl(f.name, exportedFileUrl(f.sha256));
  }
}

/** The preload bridge when this page runs in the desktop app (it has the native save dialog). */
function desktopBridge(): BridgeApi | null {
  const bridge = (globalThis as unknown as Record<string, BridgeApi | undefined>)[BRIDGE_KEY];
  return typeof bridge?.saveExport === 'function' ? bridge : null;
}

/**
 * Hands exported files to the user: in the desktop app, the native save dialog (one file as itself,
 * several as one zip named `zipName`); in browser mode, a download (the same zip for several files).
 * Resolves to the saved name (desktop), `downloaded` (browser) or null (cancelled).
 */
export async function deliverExportedFiles(files: readonly ExportedRef[], zipName: string): Promise<string | null> {
  if (files.length === 0) return null;
  const bridge = desktopBridge();
  if (bridge) {
    const saved = await bridge.saveExport({ files: files.map((f) => ({ sha256: f.sha256, name: f.name })), ...(files.length > 1 ? { zipName } : {}) });
    return saved?.name ?? null;
  }
  await downloadExportedFiles(files, 250, zipName);
  return 'downloaded';
}
