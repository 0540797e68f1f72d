import { InitScopeError, ParametrizationSpec, parseOrThrow, type ExperimentSpec } from '../../contract/index.js';

/** `initscope train`'s parametrization options, as parseArgs reads them. */
export interface ParametrizationFlags {
  parametrization?: string | undefined;
  'base-width'?: string | undefined;
  'output-init'?: string | undefined;
}

/**
 * The experiment with train.parametrization replaced as the flags say: `--parametrization mup`
 * (`--base-width`, `--output-init`) or `standard`; `--base-width`/`--output-init` alone adjust a file
 * that already asks for μP. Without flags, `experiment` itself.
 * @throws InitScopeError `invalid_input` naming the option (unknown value, a number that is not one,
 *   `--base-width` for a standard run)
 */
export function withParametrizationFlags(experiment: ExperimentSpec, flags: ParametrizationFlags): ExperimentSpec {
  const base = flags['base-width'];
  const outputInit = flags['output-init'];
  if (flags.parametrization === undefined && base === undefined && outputInit === undefined) return experiment;
  const name = flags.parametrization ?? experiment.train.parametrization.name;
  if (name !== 'mup' && name !== 'standard') throw new InitScopeError('invalid_input', `--parametrization must be standard or mup, got ${name}`);
  if (name === 'standard') {
    if (base !== undefined || outputInit !== undefined)
      throw new InitScopeError('invalid_input', '--base-width and --output-init apply to μP only: add --parametrization mup');
    return { ...experiment, train: { ...experiment.train, parametrization: { name: 'standard' } } };
  }
  const current = experiment.train.parametrization.name === 'mup' ? experiment.train.parametrization : { name: 'mup' };
  const raw: Record<string, unknown> = { ...current };
  if (base !== undefined) {
    const v = Number(base);
    if (base.trim() === '' || !Number.isFinite(v)) throw new InitScopeError('invalid_input', `--base-width must be a number, got ${base}`);
    raw.baseWidth = v;
  }
  if (outputInit !== undefined) raw.outputInit = outputInit;
  const parametrization = parseOrThrow(ParametrizationSpec, raw, '--parametrization options');
  return { ...experiment, train: { ...experiment.train, parametrization } };
}
