import { InitScopeError } from './errors.js';

/** Line and column (both 1-based) of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** True when JSON.parse fails on `prefix` only because it stops early (not because of a bad character). */
function failsOnlyAtEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    return /end of (JSON )?input|unterminated|unexpected end/i.test(message) || (at !== null && Number(at[1]) >= prefix.length);
  }
}

/**
 * Offset of the first character that makes `text` invalid JSON, found by bisecting prefixes (JSON.parse's
 * messages differ between engines and do not always give a position), or null if it cannot be located.
 */
export function jsonErrorOffset(text: string): number | null {
  let lo = 0; // prefix length known to fail only at its end
  let hi = text.length; // prefix length known to contain the error
  if (failsOnlyAtEnd(text)) return null;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (failsOnlyAtEnd(text.slice(0, mid))) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

/** A JSON syntax error located in its text. */
export interface JsonSyntaxError {
  /** 1-based; the end of the text when it just stops early. */
  line: number;
  column: number;
  message: string;
}

/** Parses JSON text, locating a syntax error by line and column instead of throwing. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = lineAndColumn(text, jsonErrorOffset(text) ?? text.length);
    return { ok: false, error: { ...where, message } };
  }
}

/**
 * Parses JSON text or throws an `invalid_input` {@link InitScopeError} naming the source and the line and
 * column of the syntax error: `experiment.json:3:40: invalid JSON (Unexpected token ',' …)`.
 */
export function parseJsonOrThrow(text: string, source: string): unknown {
  const result = parseJsonText(text);
  if (result.ok) return result.value;
  const { line, column, message } = result.error;
  throw new InitScopeError('invalid_input', `${source}:${line}:${column}: invalid JSON (${message})`);
}
