import type { z } from 'zod';
import { InitScopeError, parseLenient } from '../../contract/index.js';

/**
 * Parses a spec this program stored earlier (a run's frozen experiment, a sweep's spec) from its JSON
 * column. The contract refuses unknown keys in what users write, but a stored spec is data already
 * accepted, so keys this version does not know (written by another version) are dropped, not refused;
 * defaults added since are filled in. Anything else that no longer parses is an `internal` error
 * naming `what` (e.g. `Run run_…`).
 */
export function parseStoredSpec<S extends z.ZodType>(schema: S, json: string, what: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InitScopeError('internal', `${what} has an unreadable spec: ${(error as Error).message}`);
  }
  const result = parseLenient(schema, value);
  if (!result.success) {
    throw new InitScopeError('internal', `${what} has a spec this version cannot read: ${result.error.message}`);
  }
  return result.value.data;
}
