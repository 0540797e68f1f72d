import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ExperimentSpec, InitScopeError, parseJsonOrThrow, parseOrThrow } from '../../contract/index.js';

/**
 * Reads and validates a JSON spec file. Errors are `invalid_input` and name the file, and either the
 * JSON syntax error's line and column or every invalid field (e.g. `network.layers.0.units`).
 * @param what how the spec is named in messages ("experiment", "sweep")
 */
export function readSpecFile<S extends z.ZodType>(file: string, schema: S, what: string): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InitScopeError('invalid_input', `${file}: cannot read the file (${(error as Error).message})`);
  }
  const raw = parseJsonOrThrow(text, file);
  try {
    return parseOrThrow(schema, raw, what);
  } catch (error) {
    const e = error as InitScopeError;
    throw new InitScopeError('invalid_input', `${file}: ${e.message}`, e.details);
  }
}

/** Reads and validates an experiment file (see {@link readSpecFile}). */
export function readExperimentFile(file: string): ExperimentSpec {
  return readSpecFile(file, ExperimentSpec, 'experiment');
}
