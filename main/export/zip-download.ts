import { zipSync } from 'fflate';
import { MAX_DOWNLOAD_BYTES, type Download } from './download.js';

/** Most files one zip download bundles. */
export const MAX_ZIP_FILES = 32;

/** A zip's file name from a requested name: letters, digits, `._-` and spaces kept, `.zip` appended once. */
export function zipFileName(name: string): string {
  const base = name
    .replace(/\.zip$/i, '')
    .replace(/\.\.+/g, '')
    .replace(/[^\p{L}\p{N}._ -]+/gu, '_')
    .replace(/^[._\s]+/, '')
    .slice(0, 120);
  return `${base || 'export'}.zip`;
}

/**
 * Several exported files as one zip (stored, not compressed again: model weights and reports are
 * small or already dense), each found with `find` (the host's findDownload: only recorded files under
 * `exports/` whose bytes still match). Entry names repeat-proofed (`report.html`, `report (2).html`).
 * @param sha256s 1–{@link MAX_ZIP_FILES} hashes, in the zip's order (repeats dropped)
 * @returns null when a file is missing, too many are asked for, or the zip would pass MAX_DOWNLOAD_BYTES
 */
export function zipDownloads(find: (sha256: string) => Download | null, sha256s: readonly string[], name: string): Download | null {
  const unique = [...new Set(sha256s)];
  if (unique.length === 0 || unique.length > MAX_ZIP_FILES) return null;
  const entries: Record<string, Uint8Array> = {};
  let total = 0;
  for (const sha256 of unique) {
    const file = find(sha256);
    if (!file) return null;
    total += file.data.byteLength;
    if (total > MAX_DOWNLOAD_BYTES) return null;
    let entry = file.name;
    for (let k = 2; entry in entries; k++) entry = file.name.replace(/(\.[^.]*)?$/, (ext) => ` (${k})${ext}`);
    entries[entry] = new Uint8Array(file.data.buffer, file.data.byteOffset, file.data.byteLength);
  }
  return { name: zipFileName(name), data: Buffer.from(zipSync(entries, { level: 0 })) };
}
