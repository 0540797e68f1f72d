import { OptimizerSpec } from './training.js';

/**
 * Optimizer defaults by library. The contract's defaults are Keras's (and tfjs's): Adam/AdamW/RMSprop
 * ε = 1e-7, RMSprop ρ (`decay`) = 0.9, Adagrad's accumulator starts at 0.1 with ε = 1e-7. PyTorch's
 * differ: Adam/AdamW ε = 1e-8, RMSprop α (our `decay`) = 0.99 and ε = 1e-8, Adagrad
 * `initial_accumulator_value` = 0 and ε = 1e-10. The update formulas are the same in both libraries
 * for these optimizers (ε outside the square root), so the values alone decide which one a run matches.
 * Momentum and β₁/β₂ defaults agree (0.9; 0.9/0.999); plain SGD has no such constants.
 */
export const OPTIMIZER_CONVENTIONS = ['keras', 'pytorch'] as const;
export type OptimizerConvention = (typeof OPTIMIZER_CONVENTIONS)[number];

/** PyTorch's defaults of the hyper-parameters that differ from Keras's, per optimizer (learning rates excluded). */
const PYTORCH: Record<OptimizerSpec['name'], Record<string, number>> = {
  sgd: {},
  momentum: {},
  adagrad: { initialAccumulator: 0, epsilon: 1e-10 },
  rmsprop: { decay: 0.99, epsilon: 1e-8 },
  adam: { epsilon: 1e-8 },
  adamw: { epsilon: 1e-8 },
};

/**
 * `spec` with the hyper-parameters Keras and PyTorch disagree on set to `convention`'s defaults; the
 * learning rate and every other field are kept.
 */
export function withOptimizerDefaults(spec: OptimizerSpec, convention: OptimizerConvention): OptimizerSpec {
  const keras = OptimizerSpec.parse({ name: spec.name }) as Record<string, unknown>;
  const overrides = PYTORCH[spec.name];
  const values = Object.fromEntries(Object.keys(overrides).map((key) => [key, convention === 'pytorch' ? overrides[key] : keras[key]]));
  return { ...spec, ...values } as OptimizerSpec;
}

/**
 * Which library's defaults `spec` follows for the values Keras and PyTorch disagree on: `keras`,
 * `pytorch`, or null when they are set otherwise (or the optimizer has no such values: sgd, momentum).
 */
export function optimizerConvention(spec: OptimizerSpec): OptimizerConvention | null {
  const keys = Object.keys(PYTORCH[spec.name]);
  if (keys.length === 0) return null;
  const record = spec as unknown as Record<string, unknown>;
  for (const convention of OPTIMIZER_CONVENTIONS) {
    const reference = withOptimizerDefaults(spec, convention) as unknown as Record<string, unknown>;
    if (keys.every((key) => record[key] === reference[key])) return convention;
  }
  return null;
}
