import { SweepSpec, type SweepInput } from '../../../contract/index.js';

/** A small, fast sweep on the synthetic circle set: 2-8-2 network, a few epochs. */
export function tinySweep(overrides: Partial<SweepInput> & { epochs?: number } = {}): SweepSpec {
  const { epochs = 3, ...rest } = overrides;
  return SweepSpec.parse({
    name: 'tiny',
    base: {
      name: 'circle',
      dataset: { builtin: 'circle', samples: 160, noise: 0.05, seed: 3 },
      network: {
        inputShape: [2],
        layers: [
          { type: 'dense', units: 8, activation: { name: 'tanh' } },
          { type: 'dense', units: 2, activation: { name: 'softmax' } },
        ],
      },
      train: { epochs, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.02 }, seed: 11, statsEvery: 0 },
    },
    axes: {
      activation: [{ name: 'tanh' }, { name: 'relu' }],
      initializer: [{ name: 'glorotNormal' }, { name: 'heNormal' }],
      seeds: 2,
    },
    targetAccuracy: 0.6,
    ...rest,
  });
}
