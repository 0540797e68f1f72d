import { beforeAll, describe, expect, it } from 'vitest';
import { NetworkSpec, type SplitCalibration } from '../../../../contract/index.js';
import { buildModel } from '../../../../engine/model.js';
import { decideSplit, forwardMacsPerSample, MIN_MACS_PER_PARAM, MIN_SPLIT_FLOPS } from '../../../../engine/parallel/split-policy.js';
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

  it('computes the benchmark conv net in two parts at batch 32 and 128, but not MLPs (dense: 1 multiply-add per parameter), a spiral net or tiny batches', () => {
    expect(withModel(conv, (m) => decideSplit(m, 128, 'wasm'))).toMatchObject({ split: true });
    expect(withModel(conv, (m) => decideSplit(m, 32, 'wasm'))).toMatchObject({ split: true });
    // 6 · 128 · 234,752 multiply-adds = 180.3 MFLOP, but ≈ 1 multiply-add per parameter.
    const dense = withModel(mlp, (m) => decideSplit(m, 128, 'wasm'));
    expect(dense).toMatchObject({ split: false, reason: expect.stringContaining(`multiply-adds per parameter < ${MIN_MACS_PER_PARAM}`) });
    expect(withModel(mlp, (m) => m.paramCount)).toBe(784 * 256 + 256 + 256 * 128 + 128 + 1290);
    const small = withModel(spiral, (m) => decideSplit(m, 128, 'wasm'));
    expect(small).toMatchObject({ split: false });
    expect(small.reason).toContain(`< ${MIN_SPLIT_FLOPS / 1e6}`);
    expect(withModel(conv, (m) => decideSplit(m, 16, 'wasm')).split).toBe(false);
  });

  it('decides from the network alone: other backends, batchNorm or =0 give one part; =1 drops the work thresholds; a recorded layout wins', () => {
    expect(withModel(conv, (m) => decideSplit(m, 128, 'tensorflow')).split).toBe(false);
    expect(withModel(conv, (m) => decideSplit(m, 128, 'cpu')).split).toBe(false);
    expect(withModel(conv, (m) => decideSplit(m, 128, 'wasm', 'whole')).split).toBe(false);
    const withNorm = NetworkSpec.parse({ ...mlp, layers: [mlp.layers[0], { type: 'batchNorm' }, ...mlp.layers.slice(1)] });
    expect(withModel(withNorm, (m) => decideSplit(m, 128, 'wasm', 'always'))).toMatchObject({ split: false, reason: expect.stringContaining('batchNorm') });
    expect(withModel(withNorm, (m) => decideSplit(m, 128, 'wasm', 'auto', true)).split).toBe(false);
    // A residual block with batchNorm inside needs whole-batch statistics too; one without may split.
    const block = (normalization: string) =>
      NetworkSpec.parse({
        inputShape: [4],
        layers: [
          { type: 'residual', units: 4, normalization },
          { type: 'dense', units: 2 },
        ],
      });
    expect(withModel(block('batchNorm'), (m) => decideSplit(m, 128, 'wasm', 'always'))).toMatchObject({
      split: false,
      reason: expect.stringContaining('batchNorm'),
    });
    expect(withModel(block('none'), (m) => decideSplit(m, 128, 'wasm', 'always')).split).toBe(true);
    // Its multiply-adds count both branch kernels: 4·4 + 4·4 per sample, plus the dense 4·2.
    expect(withModel(block('none'), (m) => forwardMacsPerSample(m))).toBe(16 + 16 + 8);
    expect(withModel(spiral, (m) => decideSplit(m, 64, 'wasm', 'always'))).toMatchObject({ split: true });
    expect(withModel(spiral, (m) => decideSplit(m, 16, 'wasm', 'always')).split).toBe(false);
    // A reproduction keeps the original's layout whatever the rule or the environment says now.
    expect(withModel(spiral, (m) => decideSplit(m, 64, 'wasm', 'whole', true))).toMatchObject({ split: true, reason: expect.stringContaining('recorded') });
    expect(withModel(conv, (m) => decideSplit(m, 128, 'wasm', 'auto', false)).split).toBe(false);
  });

  /** A stored calibration whose threshold is `minSplitFlops` FLOP per step. */
  const calibrated = (minSplitFlops: number | null): SplitCalibration => ({
    version: 1,
    key: { cpuModel: 'Test CPU', cores: 2, engineVersion: 'split-1' },
    minSplitFlops,
    points: [],
    measuredAt: '2026-12-04T00:00:00.000Z',
  });

  it("uses a stored calibration's threshold instead of MIN_SPLIT_FLOPS, and records it with the decision", () => {
    // conv: 6 · batch · 248,768 multiply-adds = 191.0 MFLOP at batch 128, 47.8 MFLOP at batch 32.
    const at100 = calibrated(100e6);
    const big = withModel(conv, (m) => decideSplit(m, 128, 'wasm', 'auto', undefined, at100));
    expect(big).toMatchObject({ split: true, calibration: { key: 'Test CPU × 2, engine split-1', minSplitFlops: 100e6 } });
    expect(big.reason).toContain('calibrated');
    const small = withModel(conv, (m) => decideSplit(m, 32, 'wasm', 'auto', undefined, at100));
    expect(small).toMatchObject({ split: false, reason: '47.8 MFLOP per step < 100.0 (calibrated)', calibration: { minSplitFlops: 100e6 } });
    // Without a calibration the same batch 32 splits (47.8 ≥ MIN_SPLIT_FLOPS = 40 MFLOP), and no calibration is recorded.
    const uncalibrated = withModel(conv, (m) => decideSplit(m, 32, 'wasm'));
    expect(uncalibrated.split).toBe(true);
    expect(uncalibrated.calibration).toBeUndefined();
    // A threshold just below / above the step's own work.
    const flops32 = 6 * 32 * (26 * 26 * 3 * 3 * 32 + 13 * 13 * 32 * 10);
    expect(withModel(conv, (m) => decideSplit(m, 32, 'wasm', 'auto', undefined, calibrated(flops32))).split).toBe(true);
    expect(withModel(conv, (m) => decideSplit(m, 32, 'wasm', 'auto', undefined, calibrated(flops32 + 1))).split).toBe(false);
    // null: splitting never paid on this machine.
    expect(withModel(conv, (m) => decideSplit(m, 128, 'wasm', 'auto', undefined, calibrated(null)))).toMatchObject({
      split: false,
      calibration: { minSplitFlops: null },
    });
    // A low threshold still keeps MLPs whole (the per-parameter rule), and a recorded layout still wins.
    expect(withModel(mlp, (m) => decideSplit(m, 128, 'wasm', 'auto', undefined, calibrated(1e6))).split).toBe(false);
    expect(withModel(conv, (m) => decideSplit(m, 128, 'wasm', 'auto', false, at100))).toMatchObject({
      split: false,
      reason: expect.stringContaining('recorded'),
    });
  });
});
