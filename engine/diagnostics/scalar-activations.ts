import type { ActivationSpec } from '../../contract/index.js';

/** SELU constants (Klambauer et al. 2017). */
export const SELU_LAMBDA = 1.0507009873554805;
export const SELU_ALPHA = 1.6732632423543772;

/**
 * erf(x) by the Chebyshev fit of Numerical Recipes (erfc, fractional error < 1.2·10⁻⁷ everywhere).
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/**
 * The activation as a plain scalar function (the same formulas as activations.ts, in float64), or
 * null for softmax (not element-wise). Used by the mean-field theory and as an independent reference.
 */
export function scalarActivation(spec: ActivationSpec): ((x: number) => number) | null {
  switch (spec.name) {
    case 'linear':
      return (x) => x;
    case 'sigmoid':
      return (x) => 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh;
    case 'relu':
      return (x) => Math.max(x, 0);
    case 'leakyRelu': {
      const a = spec.alpha;
      return (x) => (x > 0 ? x : a * x);
    }
    case 'elu': {
      const a = spec.alpha;
      return (x) => (x > 0 ? x : a * Math.expm1(x));
    }
    case 'selu':
      return (x) => SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case 'gelu':
      return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'swish':
      return (x) => x / (1 + Math.exp(-x));
    case 'softplus':
      return (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    case 'softsign':
      return (x) => x / (1 + Math.abs(x));
    case 'hardSigmoid':
      return (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5));
    case 'relu6':
      return (x) => Math.min(6, Math.max(0, x));
    case 'softmax':
      return null;
    default:
      return null;
  }
}
