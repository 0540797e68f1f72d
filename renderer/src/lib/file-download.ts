import { DOWNLOAD_PATH } from '../../../contract/index.js';
import { downloadUrl } from './network-io.js';

/** The browser-mode address of an exported file (same origin; the token cookie goes along). */
export function exportedFileUrl(sha256: string): string {
  return `${DOWNLOAD_PATH}?sha256=${encodeURIComponent(sha256)}`;
}

/**
 * Browser mode: offers every exported file as a download, one after the other (`gapMs` apart, since
 * browsers drop clicks that come too fast). The desktop app writes into the chosen folder instead.
 */
export async function downloadExportedFiles(files: readonly { name: string; sha256: string }[], gapMs = 250): Promise<void> {
  for (const [i, f] of files.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    downloadUrl(f.name, exportedFileUrl(f.sha256));
  }
}
