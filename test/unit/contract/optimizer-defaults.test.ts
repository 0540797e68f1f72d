import { describe, expect, it } from 'vitest';
import { optimizerConvention, OptimizerSpec, withOptimizerDefaults } from '../../../contract/index.js';

const parse = (value: unknown) => OptimizerSpec.parse(value);

describe('Keras and PyTorch optimizer defaults', () => {
  it('the contract defaults are Keras’s: Adam ε 1e-7, RMSprop ρ 0.9', () => {
    expect(parse({ name: 'adam' })).toMatchObject({ epsilon: 1e-7, beta1: 0.9, beta2: 0.999 });
    expect(parse({ name: 'rmsprop' })).toMatchObject({ decay: 0.9, epsilon: 1e-7 });
    expect(optimizerConvention(parse({ name: 'adam' }))).toBe('keras');
  });

  it('fills PyTorch’s values (torch.optim defaults) and keeps the learning rate and other fields', () => {
    // torch.optim.Adam(eps=1e-08), RMSprop(alpha=0.99, eps=1e-08), Adagrad(initial_accumulator_value=0, eps=1e-10), AdamW(eps=1e-08, weight_decay=0.01)
    expect(withOptimizerDefaults(parse({ name: 'adam', learningRate: 0.01, beta1: 0.8 }), 'pytorch')).toEqual({
      name: 'adam',
      learningRate: 0.01,
      beta1: 0.8,
      beta2: 0.999,
      epsilon: 1e-8,
    });
    expect(withOptimizerDefaults(parse({ name: 'rmsprop' }), 'pytorch')).toMatchObject({ decay: 0.99, epsilon: 1e-8 });
    expect(withOptimizerDefaults(parse({ name: 'adagrad' }), 'pytorch')).toMatchObject({ initialAccumulator: 0, epsilon: 1e-10 });
    expect(withOptimizerDefaults(parse({ name: 'adamw', weightDecay: 0.05 }), 'pytorch')).toMatchObject({ epsilon: 1e-8, weightDecay: 0.05 });
    for (const name of ['adam', 'adamw', 'rmsprop', 'adagrad'] as const) {
      const torch = withOptimizerDefaults(parse({ name }), 'pytorch');
      expect(OptimizerSpec.safeParse(torch).success, name).toBe(true);
      expect(optimizerConvention(torch), name).toBe('pytorch');
      expect(withOptimizerDefaults(torch, 'keras'), name).toEqual(parse({ name }));
    }
  });

  it('says custom (null) for other values and for optimizers without such constants', () => {
    expect(optimizerConvention(parse({ name: 'adam', epsilon: 1e-6 }))).toBeNull();
    expect(optimizerConvention(parse({ name: 'sgd' }))).toBeNull();
    expect(withOptimizerDefaults(parse({ name: 'momentum', momentum: 0.5 }), 'pytorch')).toEqual(parse({ name: 'momentum', momentum: 0.5 }));
  });
});
