import { join } from 'node:path';
import { InitScopeError } from '../../contract/index.js';

/** Run ids as the host makes them (`run_<base36>_<hex>`); anything else never becomes part of a path. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/**
 * Checks that `id` can be a single path segment (letters, digits, '_' and '-'; no '..', '/', '\\').
 * @throws InitScopeError `invalid_input` naming the field
 */
export function safeId(id: string, field = 'runId'): string {
  if (!SAFE_ID.test(id)) throw new InitScopeError('invalid_input', `${field} ${JSON.stringify(id)} is not a valid id (letters, digits, '_' and '-' only)`);
  return id;
}

/** Where a run's trained weights live: `<dataDir>/runs/<runId>/`. */
export function runWeightsDir(dataDir: string, runId: string): string {
  return join(dataDir, 'runs', safeId(runId));
}

/** The default folder of an export: `<dataDir>/exports/<runId>/<format>-<UTC time, filename-safe>/`. */
export function defaultExportDir(dataDir: string, runId: string, format: string, at: Date): string {
  return join(dataDir, 'exports', safeId(runId), `${format}-${at.toISOString().replace(/[:.]/g, '-')}`);
}
