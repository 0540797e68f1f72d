import type { OptimizerSpec } from '../contract/index.js';
import type { Optimizer, TF } from './tf.js';

/**
 * Creates the tf.train optimizer for a contract OptimizerSpec (learning rate per batch step):
 * - sgd: w −= lr·g
 * - momentum: v = m·v + g; w −= lr·v (Nesterov: w −= lr·(g + m·v))
 * - adagrad: tfjs's default initial accumulator 0.1
 * - rmsprop: decay ρ, epsilon; no momentum, not centred
 * - adam: beta1, beta2, epsilon
 * The caller owns the optimizer and must free it with {@link disposeOptimizer} after the run (it
 * holds accumulator variables).
 */
export function createOptimizer(tf: TF, spec: OptimizerSpec): Optimizer {
  switch (spec.name) {
    case 'sgd':
      return tf.train.sgd(spec.learningRate);
    case 'momentum':
      return tf.train.momentum(spec.learningRate, spec.momentum, spec.nesterov);
    case 'adagrad':
      return tf.train.adagrad(spec.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(spec.learningRate, spec.decay, 0, spec.epsilon, false);
    case 'adam':
      return tf.train.adam(spec.learningRate, spec.beta1, spec.beta2, spec.epsilon);
    default:
      throw new Error(`Unknown optimizer '${(spec as { name: string }).name}'`);
  }
}

/**
 * Frees an optimizer's state. tfjs 4.22's MomentumOptimizer.dispose() forgets the learning-rate
 * scalar `c` it inherits from SGDOptimizer (one leaked tensor per run); it is freed here too.
 */
export function disposeOptimizer(optimizer: Optimizer): void {
  optimizer.dispose();
  const c = (optimizer as unknown as { c?: { isDisposed?: boolean; dispose?: () => void } }).c;
  if (c && typeof c.dispose === 'function' && c.isDisposed === false) c.dispose();
}
