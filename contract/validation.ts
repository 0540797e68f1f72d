import type { z } from 'zod';
import { InitScopeError } from './errors.js';

/** One problem found in a payload, with the dotted path of the field (e.g. `network.layers.1.units`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Turns zod issues into field-named messages. */
export function describeIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Parses `value` with `schema`, throwing an `invalid_input` {@link InitScopeError} whose message names
 * every bad field, e.g. `Invalid experiment: network.layers.0.units: Too small: expected number to be >=1`.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = describeIssues(result.error);
  const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new InitScopeError('invalid_input', `Invalid ${what}: ${text}`, { issues });
}
