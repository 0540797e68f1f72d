import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BoundarySnapshot, describeIssues, InitScopeError } from '../../contract/index.js';
import { runWeightsDir } from '../export/paths.js';

/** File name of a run's final decision-boundary picture, next to its weights: `<dataDir>/runs/<runId>/boundary.json.gz`
 * (gzip: a picture's JSON is ~100 kB, a few times less compressed, and a sweep stores one per run). */
export const BOUNDARY_FILE = 'boundary.json.gz';

/** Where a run's final picture is stored (the run id is checked to be one path segment). */
export function boundaryFilePath(dataDir: string, runId: string): string {
  return join(runWeightsDir(dataDir, runId), BOUNDARY_FILE);
}

/**
 * Writes a run's picture (gzipped JSON), atomically: to a temporary file renamed over the old one, so a reader
 * in another process (the app, `initscope serve`, the CLI share the data folder) never sees half a file.
 */
export function writeBoundaryFile(dataDir: string, snapshot: BoundarySnapshot): void {
  const path = boundaryFilePath(dataDir, snapshot.runId);
  mkdirSync(join(path, '..'), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, gzipSync(JSON.stringify(snapshot)));
  renameSync(temp, path);
}

/**
 * A run's stored picture, or null when it has none.
 * @throws InitScopeError `internal` naming the file when it is not gzipped JSON, fails the schema or
 *   belongs to another run (nothing is changed on disk)
 */
export function readBoundaryFile(dataDir: string, runId: string): BoundarySnapshot | null {
  const path = boundaryFilePath(dataDir, runId);
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8'));
  } catch (error) {
    throw new InitScopeError('internal', `The decision-boundary picture ${path} cannot be read: ${(error as Error).message}`);
  }
  const parsed = BoundarySnapshot.safeParse(raw);
  if (!parsed.success) {
    const why = describeIssues(parsed.error, raw)
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join('; ');
    throw new InitScopeError('internal', `The decision-boundary picture ${path} is invalid (${why})`);
  }
  if (parsed.data.runId !== runId) throw new InitScopeError('internal', `The decision-boundary picture ${path} belongs to run ${parsed.data.runId}`);
  return parsed.data;
}
