import type { ActivationName, ActivationSpec, InitializerName, InitializerSpec } from '../../../contract/index.js';
import { defaultActivation, defaultInitializer } from './experiment-draft.js';
import { parseNumberList, type ParsedList } from './number-list.js';

/**
 * The one parameter of a chip that a sweep can vary per value: σ of normal/truncated-normal draws,
 * the gain of orthogonal, the scale of variance scaling, the negative slope of leaky ReLU, ELU's α.
 * `field` is the contract's key; `rule` its bounds (the contract's: `positive` makes `min` exclusive).
 */
export interface ParamAxis {
  field: string;
  /** i18n key suffix under `sweeps.params` (σ, gain, scale, slope, α). */
  symbol: 'sigma' | 'gain' | 'scale' | 'slope' | 'alpha';
  rule: { min: number; max: number; positive?: boolean };
  /** A value list shown as the placeholder. */
  example: string;
}

/** Initializers whose parameter the sweep form can list several values of. */
export const INITIALIZER_PARAMS: Partial<Record<InitializerName, ParamAxis>> = {
  normal: { field: 'std', symbol: 'sigma', rule: { min: 0, max: 100 }, example: '0.01, 0.1, 1' },
  truncatedNormal: { field: 'std', symbol: 'sigma', rule: { min: 0, max: 100 }, example: '0.01, 0.1, 1' },
  orthogonal: { field: 'gain', symbol: 'gain', rule: { min: 0, max: 100, positive: true }, example: '0.5, 1, 1.41' },
  varianceScaling: { field: 'scale', symbol: 'scale', rule: { min: 0, max: 100, positive: true }, example: '1, 2' },
};

/** Activations whose parameter the sweep form can list several values of. */
export const ACTIVATION_PARAMS: Partial<Record<ActivationName, ParamAxis>> = {
  leakyRelu: { field: 'alpha', symbol: 'slope', rule: { min: 0, max: 1 }, example: '0.01, 0.1, 0.3' },
  elu: { field: 'alpha', symbol: 'alpha', rule: { min: 0, max: 10, positive: true }, example: '0.5, 1' },
};

/** A chip's parameter text parsed (empty text: the contract's default, one value). */
export function parseParamValues(axis: ParamAxis, text: string | undefined): ParsedList {
  return parseNumberList(text ?? '', axis.rule);
}

/**
 * The axis values of picked chips: one spec per chip, or one per listed parameter value for a chip
 * with a {@link ParamAxis} (in the order typed), e.g. `normal` with `0.01, 0.1` → two normal specs.
 * Returns null while a parameter list does not parse.
 */
export function expandInitializers(names: readonly InitializerName[], params: Partial<Record<string, string>>): InitializerSpec[] | null {
  return expandChips(names, params, INITIALIZER_PARAMS, defaultInitializer);
}

/** As {@link expandInitializers}, for activations (leaky ReLU slopes, ELU α). */
export function expandActivations(names: readonly ActivationName[], params: Partial<Record<string, string>>): ActivationSpec[] | null {
  return expandChips(names, params, ACTIVATION_PARAMS, defaultActivation);
}

function expandChips<N extends string, S>(
  names: readonly N[],
  params: Partial<Record<string, string>>,
  axes: Partial<Record<N, ParamAxis>>,
  make: (name: N) => S,
): S[] | null {
  const out: S[] = [];
  for (const name of names) {
    const axis = axes[name];
    if (!axis) {
      out.push(make(name));
      continue;
    }
    const parsed = parseParamValues(axis, params[name]);
    if (parsed.problem) return null;
    if (parsed.values.length === 0) out.push(make(name));
    else for (const value of parsed.values) out.push({ ...make(name), [axis.field]: value });
  }
  return out;
}
