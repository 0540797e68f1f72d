import { describe, expect, it } from 'vitest';
import {
  describeChange,
  ExperimentSpec,
  groupLabel,
  groupRuns,
  meanSd,
  semanticDiff,
  seedsText,
  type ExperimentInput,
  type InitializerSpec,
} from '../../../contract/index.js';

/** A deep tanh network as a user writes it: `depth` hidden dense layers of 16 units, softmax output (Glorot uniform). */
function deepTanh(init: InitializerSpec, seed: number, depth = 10, extra: Partial<ExperimentInput['train']> = {}): ExperimentSpec {
  const hidden = Array.from({ length: depth }, () => ({ type: 'dense' as const, units: 16, activation: { name: 'tanh' as const }, kernelInitializer: init }));
  return ExperimentSpec.parse({
    name: 'deep tanh',
    dataset: { builtin: 'spiral', samples: 300, noise: 0.1, seed: 7 },
    network: { inputShape: [2], layers: [...hidden, { type: 'dense', units: 2, activation: { name: 'softmax' } }] },
    train: { epochs: 3, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.01 }, seed, ...extra },
  });
}

const SMALL: InitializerSpec = { name: 'normal', mean: 0, std: 0.02 };
const GLOROT: InitializerSpec = { name: 'glorotNormal' };

describe('groupRuns', () => {
  it('pools runs that differ only in seed and name, groups in order of first appearance', () => {
    const runs = [deepTanh(SMALL, 1), deepTanh(GLOROT, 1), deepTanh(SMALL, 3), deepTanh(GLOROT, 2), { ...deepTanh(SMALL, 2), name: 'renamed' }];
    const groups = groupRuns(runs, (e) => e);
    expect(groups.map((g) => g.runs.map((r) => runs.indexOf(r)))).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
    expect(groups.map((g) => g.seeds)).toEqual([
      [1, 2, 3],
      [1, 2],
    ]);
    expect(groups.map((g) => g.index)).toEqual([0, 1]);
  });

  it('keeps runs apart when anything but the seed differs (one learning rate)', () => {
    const groups = groupRuns([deepTanh(SMALL, 1), deepTanh(SMALL, 2, 10, { optimizer: { name: 'adam', learningRate: 0.001 } })], (e) => e);
    expect(groups).toHaveLength(2);
  });
});

describe('meanSd', () => {
  it('matches a textbook sample: 2, 4, 4, 4, 5, 5, 7, 9 → mean 5, sample sd √(32/7)', () => {
    const r = meanSd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(r.n).toBe(8);
    expect(r.mean).toBe(5);
    expect(r.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('agrees with a Welford one-pass computation on awkward values, and skips missing ones', () => {
    const values = [0.6931471805599453, 0.69314718056, 0.6931471806, 1e-7, null, Number.NaN, Infinity, 0.25];
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (const v of values) {
      if (v === null || !Number.isFinite(v)) continue;
      n += 1;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
    const r = meanSd(values);
    expect(r.n).toBe(5);
    expect(r.mean).toBeCloseTo(mean, 14);
    expect(r.sd).toBeCloseTo(Math.sqrt(m2 / (n - 1)), 14);
  });

  it('has no sd for one value and no mean for none', () => {
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: null, n: 1 });
    expect(meanSd([null, Number.NaN])).toEqual({ mean: null, sd: null, n: 0 });
  });
});

describe('semanticDiff', () => {
  it('10-layer deep tanh nets differing only in initializer and seed: exactly one line, seeds summarised', () => {
    const runs = [1, 2, 3].flatMap((seed) => [deepTanh(SMALL, seed), deepTanh(GLOROT, seed)]);
    const groups = groupRuns(runs, (e) => e);
    const diff = semanticDiff(
      groups.map((g) => g.runs[0]!),
      groups.map((g) => g.seeds),
    );
    expect(diff.changes).toHaveLength(1);
    expect(diff.changes.map(describeChange)).toEqual(['kernel initializer of all 10 hidden layers: Normal(0, 0.02) → Glorot normal']);
    expect(diff.seeds.map(seedsText)).toEqual(['seeds 1, 2, 3', 'seeds 1, 2, 3']);
    expect(groups.map((g) => groupLabel(diff, g.index, 'x'))).toEqual(['Normal(0, 0.02)', 'Glorot normal']);
  });

  it('an initializer on every dense layer (output too) is "all 11 layers"; on some layers, they are listed', () => {
    const all = (init: InitializerSpec) => {
      const e = deepTanh(init, 1);
      return { ...e, network: { ...e.network, layers: e.network.layers.map((l) => ({ ...l, kernelInitializer: init })) } } as ExperimentSpec;
    };
    expect(semanticDiff([all(SMALL), all(GLOROT)], [[1], [1]]).changes.map(describeChange)).toEqual([
      'kernel initializer of all 11 layers: Normal(0, 0.02) → Glorot normal',
    ]);
    const some = deepTanh(SMALL, 1);
    const changed = {
      ...some,
      network: { ...some.network, layers: some.network.layers.map((l, i) => (i < 2 ? { ...l, kernelInitializer: GLOROT } : l)) },
    } as ExperimentSpec;
    expect(semanticDiff([some, changed], [[1], [1]]).changes.map(describeChange)).toEqual([
      'kernel initializer of layers 1, 2: Normal(0, 0.02) → Glorot normal',
    ]);
  });

  it('falls back to field paths for other fields; an optimizer of another kind is one line', () => {
    const a = deepTanh(GLOROT, 1);
    const b = deepTanh(GLOROT, 1, 10, { optimizer: { name: 'sgd', learningRate: 0.1 }, batchSize: 64 });
    const c = deepTanh(GLOROT, 1, 8);
    expect(semanticDiff([a, b], [[1], [1]]).changes.map(describeChange)).toEqual([
      'train.batchSize: 32 → 64',
      'train.optimizer: adam(learningRate 0.01, beta1 0.9, beta2 0.999, epsilon 1e-7) → sgd(learningRate 0.1)',
    ]);
    expect(semanticDiff([a, c], [[1], [1]]).changes.map(describeChange)[0]).toBe('number of layers: 11 → 9');
    const three = semanticDiff([a, b, deepTanh(GLOROT, 1, 10, { batchSize: 128 })], [[1], [1], [1]]);
    expect(describeChange(three.changes[0]!)).toBe('train.batchSize: 32 · 64 · 128');
    expect(groupLabel(three, 2, 'x')).toBe('batchSize 128 · adam(learningRate 0.01, beta1 0.9, beta2 0.999, epsilon 1e-7)');
  });

  it('one group: no changes; the label falls back', () => {
    const diff = semanticDiff([deepTanh(SMALL, 1)], [[2, 1]]);
    expect(diff).toEqual({ changes: [], seeds: [[1, 2]] });
    expect(groupLabel(diff, 0, 'deep tanh')).toBe('deep tanh');
  });
});
