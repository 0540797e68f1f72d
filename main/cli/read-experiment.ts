import { readFileSync } from 'node:fs';
import { ExperimentSpec, InitScopeError, parseOrThrow } from '../../contract/index.js';

/** Converts a character offset in `text` to a 1-based line and column. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

/**
 * Reads and validates an experiment file. Errors are `invalid_input` and name the file, and either the
 * JSON syntax error's line and column or every invalid field (e.g. `network.layers.0.units`).
 */
export function readExperimentFile(file: string): ExperimentSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InitScopeError('invalid_input', `${file}: cannot read the file (${(error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? lineAndColumn(text, Number(position[1])) : null;
    const place = where ? `:${where.line}:${where.column}` : '';
    throw new InitScopeError('invalid_input', `${file}${place}: invalid JSON (${message})`);
  }
  try {
    return parseOrThrow(ExperimentSpec, raw, 'experiment');
  } catch (error) {
    const e = error as InitScopeError;
    throw new InitScopeError('invalid_input', `${file}: ${e.message}`, e.details);
  }
}
