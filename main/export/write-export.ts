import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { InitScopeError, type ExportedFile } from '../../contract/index.js';
import type { ArtifactKind, ArtifactStore } from '../store/index.js';
import { hashFile } from './hash.js';

/** One file to write: its name inside the export folder, its bytes and how the store classifies it. */
export interface PendingFile {
  name: string;
  kind: ArtifactKind;
  data: Uint8Array | string;
}

/**
 * Writes an export's files (already built in memory) into `dir` and records each file's path, size
 * and sha256 (of the bytes on disk) in the store under one new export id, once for every run in
 * `runIds` (a comparison belongs to each run it compares; `null`: a file not tied to one run, e.g. a sweep's CSV). Refuses before writing anything when the
 * store cannot record or any file already exists.
 * @param dir absolute folder (created if missing)
 * @param at the export's time (ISO-8601 in the store; base of the export id)
 * @throws InitScopeError `conflict` naming an existing file; `internal` without an artifacts table
 */
export function writeExportFiles(
  artifacts: ArtifactStore,
  runIds: readonly (string | null)[],
  dir: string,
  pending: readonly PendingFile[],
  at: Date,
): ExportedFile[] {
  artifacts.assertReady();
  for (const f of pending) {
    if (basename(f.name) !== f.name) throw new Error(`export file name ${f.name} is not a plain name`);
    if (existsSync(join(dir, f.name))) {
      throw new InitScopeError('conflict', `${join(dir, f.name)} already exists; choose another folder or remove it (nothing was written)`);
    }
  }
  mkdirSync(dir, { recursive: true });
  const written = pending.map((f) => {
    const path = join(dir, f.name);
    writeFileSync(path, f.data);
    return { name: f.name, kind: f.kind, path, ...hashFile(path) };
  });
  const exportId = `exp_${at.getTime().toString(36)}_${randomBytes(4).toString('hex')}`;
  const records = written.map(({ kind, path, bytes, sha256 }) => ({ kind, path, bytes, sha256 }));
  for (const runId of runIds) artifacts.record(runId, exportId, records, at.toISOString());
  return written.map(({ name, path, bytes, sha256 }) => ({ name, path, bytes, sha256 }));
}
