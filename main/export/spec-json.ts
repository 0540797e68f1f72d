import { z } from 'zod';
import { ExperimentSpec, InitScopeError, NetworkSpec, parseJsonOrThrow, SweepSpec } from '../../contract/index.js';

/** What a spec file holds. */
export type SpecKind = 'network' | 'experiment' | 'sweep';

const SCHEMAS = { network: NetworkSpec, experiment: ExperimentSpec, sweep: SweepSpec } as const;
type SpecOf<K extends SpecKind> = z.output<(typeof SCHEMAS)[K]>;

/** The envelope written around a spec so a file says what it is: `{ format, version, spec }`. */
export interface SpecFile<K extends SpecKind> {
  format: `initscope.${K}`;
  version: 1;
  spec: SpecOf<K>;
}

/**
 * A spec as pretty JSON (2-space indent, trailing newline) inside its envelope. The spec is parsed
 * first, so what is written always reads back (defaults filled in).
 * @throws InitScopeError `invalid_input` naming the bad field
 */
export function specToJson<K extends SpecKind>(kind: K, spec: unknown): string {
  const parsed = parseSpec(kind, spec, `${kind} spec`);
  const file: SpecFile<K> = { format: `initscope.${kind}`, version: 1, spec: parsed };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function parseSpec<K extends SpecKind>(kind: K, value: unknown, source: string): SpecOf<K> {
  const result = SCHEMAS[kind].safeParse(value);
  if (result.success) return result.data as SpecOf<K>;
  const issues = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new InitScopeError('invalid_input', `${source}: ${issues.join('; ')}`, { issues });
}

/**
 * Reads a spec file: either the envelope written by {@link specToJson} or a bare spec (hand-written
 * files). Errors name the source, and the line and column of a JSON syntax error, or the path of each
 * bad field (`spec.layers.0.units`); an envelope of another kind is refused.
 * @param source the file name, for messages
 */
export function specFromJson<K extends SpecKind>(kind: K, text: string, source: string): SpecOf<K> {
  const value = parseJsonOrThrow(text, source);
  if (value && typeof value === 'object' && 'format' in value) {
    const file = value as { format: unknown; version?: unknown; spec?: unknown };
    if (file.format !== `initscope.${kind}`) {
      throw new InitScopeError('invalid_input', `${source}: holds ${JSON.stringify(file.format)}, expected "initscope.${kind}"`);
    }
    if (file.version !== 1) throw new InitScopeError('invalid_input', `${source}: version ${JSON.stringify(file.version)} is not supported (expected 1)`);
    return parseSpec(kind, file.spec, `${source} (spec)`);
  }
  return parseSpec(kind, value, source);
}
