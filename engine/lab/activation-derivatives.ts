import type { ActivationSpec } from '../../contract/index.js';
import { erf, SELU_ALPHA, SELU_LAMBDA } from '../diagnostics/scalar-activations.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * φ'(x) of an element-wise activation in float64 (the same formulas as diagnostics/scalar-activations.ts,
 * differentiated by hand), or null for softmax (not element-wise). At a kink, the right derivative (a
 * kink at 0 is integrated by one-sided limits, see quadrature.ts expectNormal).
 */
export function activationDerivative(spec: ActivationSpec): ((x: number) => number) | null {
  switch (spec.name) {
    case 'linear':
      return () => 1;
    case 'sigmoid':
      return (x) => {
        const s = sigmoid(x);
        return s * (1 - s);
      };
    case 'tanh':
      return (x) => {
        const t = Math.tanh(x);
        return 1 - t * t;
      };
    case 'relu':
      return (x) => (x > 0 ? 1 : 0);
    case 'leakyRelu': {
      const a = spec.alpha;
      return (x) => (x > 0 ? 1 : a);
    }
    case 'elu': {
      const a = spec.alpha;
      return (x) => (x > 0 ? 1 : a * Math.exp(x));
    }
    case 'selu':
      return (x) => SELU_LAMBDA * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x));
    case 'gelu':
      // d/dx x·Φ(x) = Φ(x) + x·ϕ(x)
      return (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
    case 'swish':
      return (x) => {
        const s = sigmoid(x);
        return s + x * s * (1 - s);
      };
    case 'softplus':
      return sigmoid;
    case 'softsign':
      return (x) => 1 / (1 + Math.abs(x)) ** 2;
    case 'hardSigmoid':
      return (x) => (x > -2.5 && x < 2.5 ? 0.2 : 0);
    case 'relu6':
      return (x) => (x > 0 && x < 6 ? 1 : 0);
    default:
      return null;
  }
}
