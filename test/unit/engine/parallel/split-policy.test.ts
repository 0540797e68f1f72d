import { beforeAll, describe, expect, it } from 'vitest';
import { NetworkSpec } from '../../../../contract/index.js';
import { buildModel } from '../../../../engine/model.js';
import { decideSplit, forwardMacsPerSample, MIN_SPLIT_FLOPS } from '../../../../engine/parallel/split-policy.js';
import type { TF } from '../../../../engine/tf.js';
import { getBackend } from '../helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

const mlp = NetworkSpec.parse({
  inputShape: [784],
  layers: [
    { type: 'dense', units: 256, activation: { name: 'relu' } },
    { type: 'dense', units: 128, activation: { name: 'relu' } },
    { type: 'dense', units: 10, activation: { name: 'softmax' } },
  ],
});
const conv = NetworkSpec.parse({
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 32, kernelSize: 3, activation: { name: 'relu' } },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 10, activation: { name: 'softmax' } },
  ],
});
const spiral = NetworkSpec.parse({
  inputShape: [2],
  layers: [
    { type: 'dense', units: 16, activation: { name: 'tanh' } },
    { type: 'dense', units: 2, activation: { name: 'softmax' } },
  ],
});

/** Runs `f` with a built model and frees it. */
function withModel<T>(network: NetworkSpec, f: (m: ReturnType<typeof buildModel>) => T): T {
  const model = buildModel(tf, network, { seed: 1 });
  try {
    return f(model);
  } finally {
    model.dispose();
  }
}

describe('decideSplit', () => {
  it('counts the multiply-adds of dense and conv2d layers per sample', () => {
    expect(withModel(mlp, forwardMacsPerSample)).toBe(784 * 256 + 256 * 128 + 128 * 10);
    // conv: 26×26 output positions × a 3×3×1×32 kernel; dense: 13·13·32 inputs × 10 units.
    expect(withModel(conv, forwardMacsPerSample)).toBe(26 * 26 * 3 * 3 * 32 + 13 * 13 * 32 * 10);
  });

  it('splits the benchmark MLP and conv net at batch 128, not a spiral net or tiny batches', () => {
    // Eligible, and the run measures whether it pays.
    expect(withModel(mlp, (m) => decideSplit(m, 128, 'wasm', {}))).toMatchObject({ split: true, tune: true });
    expect(withModel(conv, (m) => decideSplit(m, 128, 'wasm', {}))).toMatchObject({ split: true, tune: true });
    const small = withModel(spiral, (m) => decideSplit(m, 128, 'wasm', {}));
    expect(small).toMatchObject({ split: false });
    expect(small.reason).toContain(`< ${MIN_SPLIT_FLOPS / 1e6}`);
    expect(withModel(mlp, (m) => decideSplit(m, 16, 'wasm', {})).split).toBe(false);
  });

  it('never splits on other backends, with batchNorm, or when switched off; =1 drops the work threshold and the measuring', () => {
    expect(withModel(mlp, (m) => decideSplit(m, 128, 'tensorflow', {})).split).toBe(false);
    expect(withModel(mlp, (m) => decideSplit(m, 128, 'cpu', {})).split).toBe(false);
    expect(withModel(mlp, (m) => decideSplit(m, 128, 'wasm', { INITSCOPE_BATCH_SPLIT: '0' })).split).toBe(false);
    const withNorm = NetworkSpec.parse({ ...mlp, layers: [mlp.layers[0], { type: 'batchNorm' }, ...mlp.layers.slice(1)] });
    expect(withModel(withNorm, (m) => decideSplit(m, 128, 'wasm', { INITSCOPE_BATCH_SPLIT: '1' }))).toMatchObject({ split: false, reason: expect.stringContaining('batchNorm') });
    expect(withModel(spiral, (m) => decideSplit(m, 64, 'wasm', { INITSCOPE_BATCH_SPLIT: '1' }))).toMatchObject({ split: true, tune: false });
    expect(withModel(spiral, (m) => decideSplit(m, 16, 'wasm', { INITSCOPE_BATCH_SPLIT: '1' })).split).toBe(false);
  });
});
