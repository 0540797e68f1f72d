import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { ArtifactStore } from '../store/index.js';
import { sha256Hex } from './hash.js';

/** Largest exported file served for download (bytes); larger ones stay in the data folder. */
export const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

/** An exported file ready to send: its file name and its bytes (already checked against the record). */
export interface Download {
  name: string;
  data: Buffer;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The exported file with this sha256, for a browser download: only a file the host itself wrote and
 * recorded as an artifact, under `<dataDir>/exports/` (a CLI export to a folder of the user's choice
 * is never served), whose bytes still hash to the record (a file changed or replaced since is
 * refused). The bytes are read once and checked, and those same bytes are what is sent.
 * @param sha256 64 lower-case hex digits
 * @returns null when there is no such file (unknown hash, moved, changed, too large)
 */
export function findDownload(artifacts: ArtifactStore, dataDir: string, sha256: string): Download | null {
  if (!SHA256.test(sha256)) return null;
  let root: string;
  try {
    root = realpathSync(join(dataDir, 'exports')) + sep;
  } catch {
    return null; // nothing was ever exported
  }
  for (const record of artifacts.findBySha256(sha256)) {
    try {
      const real = realpathSync(record.path);
      if (!real.startsWith(root)) continue;
      const stat = statSync(real);
      if (!stat.isFile() || stat.size !== record.bytes || stat.size > MAX_DOWNLOAD_BYTES) continue;
      const data = readFileSync(real);
      if (sha256Hex(data) !== sha256) continue;
      return { name: basename(record.path), data };
    } catch {
      continue; // removed or unreadable: try an older record of the same bytes
    }
  }
  return null;
}
