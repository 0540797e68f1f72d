import type { ActivationSpec } from '../contract/index.js';
import type { Tensor, TF } from './tf.js';

/**
 * Activation functions, element-wise unless noted; every one is differentiable with tf.grad.
 *
 * - linear: x (returns `x` itself, not a copy)
 * - sigmoid: 1/(1+e^−x);  tanh;  relu: max(x, 0);  relu6: min(max(x, 0), 6)
 * - leakyRelu: x for x > 0, alpha·x otherwise (alpha from the spec; literature default 0.01)
 * - elu: x for x > 0, alpha·(e^x − 1) otherwise (alpha from the spec; tfjs's elu has no alpha).
 *   Computed as relu(x) + alpha·expm1(min(x, 0)): equal to the piecewise form, with no overflowing
 *   branch (where(x > 0, x, alpha·(e^x − 1)) would give 0·∞ = NaN gradients for large x, and
 *   tfjs cannot differentiate through the comparison in the condition).
 * - selu (Klambauer et al. 2017): λ·elu(x, α) with λ ≈ 1.0507, α ≈ 1.67326
 * - gelu: exact form x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (not the tanh approximation)
 * - swish / SiLU: x·sigmoid(x);  softplus: ln(1 + e^x);  softsign: x/(1 + |x|)
 * - hardSigmoid (Keras): clip(0.2·x + 0.5, 0, 1)
 * - softmax: e^x / Σ e^x over the last axis
 *
 * @param tf the TensorFlow.js namespace
 * @param x pre-activation tensor of any shape (softmax: [..., classes])
 * @returns a tensor of the same shape and dtype float32
 */
export function applyActivation(tf: TF, x: Tensor, spec: ActivationSpec): Tensor {
  switch (spec.name) {
    case 'linear':
      return x;
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, spec.alpha);
    case 'elu':
      return tf.tidy(() => tf.add(tf.relu(x), tf.mul(tf.expm1(tf.minimum(x, 0)), spec.alpha)));
    case 'selu':
      return tf.selu(x);
    case 'gelu':
      return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
    case 'swish':
      return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
    case 'softplus':
      return tf.softplus(x);
    case 'softsign':
      return tf.tidy(() => tf.div(x, tf.add(tf.abs(x), 1)));
    case 'hardSigmoid':
      return tf.tidy(() => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1));
    case 'relu6':
      return tf.relu6(x);
    case 'softmax':
      return tf.softmax(x);
    default:
      throw new Error(`Unknown activation '${(spec as { name: string }).name}'`);
  }
}
