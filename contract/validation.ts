import type { z } from 'zod';
import { InitScopeError } from './errors.js';
import { closestName } from './strict.js';

/** One problem found in a payload, with the dotted path of the field (e.g. `network.layers.1.units`). */
export interface FieldIssue {
  path: string;
  message: string;
}

const dottedPath = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(root)';

/** The value at `path` inside `input` (undefined when the path leaves the data). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Turns zod issues into field-named messages. An unknown key is reported at its own path
 * (`train.epochz`), and an unknown discriminator value (e.g. `"name": "glorotNormall"`) names the
 * closest allowed value when `input` (the parsed value) is given.
 */
export function describeIssues(error: z.ZodError, input?: unknown): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) {
      return [{ path: dottedPath([...issue.path, issue.keys[0]!]), message: issue.message }];
    }
    const options = (issue as { options?: unknown }).options;
    if (issue.code === 'invalid_union' && Array.isArray(options) && options.length > 0) {
      const given = valueAt(input, issue.path);
      const names = options.map(String);
      const suggestion = typeof given === 'string' ? closestName(given, names) : null;
      const what = given === undefined ? 'missing' : `unknown value ${JSON.stringify(given)}`;
      const hint = suggestion ? `did you mean "${suggestion}"?` : `expected one of ${names.join(', ')}`;
      return [{ path: dottedPath(issue.path), message: `${what} (${hint})` }];
    }
    return [{ path: dottedPath(issue.path), message: issue.message }];
  });
}

/**
 * Parses `value` with `schema`, throwing an `invalid_input` {@link InitScopeError} whose message names
 * every bad field, e.g. `Invalid experiment: network.layers.0.units: Too small: expected number to be >=1`.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = describeIssues(result.error, value);
  const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new InitScopeError('invalid_input', `Invalid ${what}: ${text}`, { issues });
}

/** What {@link parseLenient} gives back: the parsed value and the dotted paths of the keys it dropped. */
export interface LenientResult<T> {
  data: T;
  droppedKeys: string[];
}

/**
 * Parses data this program wrote earlier (a stored run's frozen experiment) with a schema of strict
 * objects, dropping keys the schema does not know (e.g. ones a later or earlier version wrote) instead
 * of refusing them; any other problem fails as usual. `value` itself is not modified.
 * @returns the zod result with the paths of the dropped keys
 */
export function parseLenient<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { success: true; value: LenientResult<z.infer<S>> } | { success: false; error: z.ZodError } {
  let current = value;
  const dropped: string[] = [];
  // Each pass drops every unknown key zod reported; a key inside a dropped object cannot reappear, so a
  // few passes suffice (discriminated unions only report keys of the option they picked).
  for (let pass = 0; ; pass++) {
    const result = schema.safeParse(current);
    if (result.success) return { success: true, value: { data: result.data, droppedKeys: dropped } };
    const unknown = result.error.issues.filter((i) => i.code === 'unrecognized_keys');
    if (pass >= 8 || unknown.length === 0 || unknown.length !== result.error.issues.length) return { success: false, error: result.error };
    if (pass === 0) current = JSON.parse(JSON.stringify(value)) as unknown;
    for (const issue of unknown) {
      const owner = valueAt(current, issue.path);
      if (owner === null || typeof owner !== 'object') return { success: false, error: result.error };
      for (const key of issue.keys) {
        delete (owner as Record<string, unknown>)[key];
        dropped.push(dottedPath([...issue.path, key]));
      }
    }
  }
}
