import { describe, expect, it } from 'vitest';
import { CoordCheckResult, logLogSlope, type CoordCheckCurve, type InitScopeError } from '../../../contract/index.js';
import { coordCheck } from '../../../engine/lab/coord-check.js';
import { buildMupMlp, mupLrFactors } from '../../../engine/lab/mup-mlp.js';
import { dense, experiment, getBackend } from './helpers.js';

/** A spiral experiment with a 2 → w → w → w → 2 relu MLP (He normal kernels) and Adam at η = 0.01. */
function mlpExperiment() {
  const k = { kernelInitializer: { name: 'heNormal' as const } };
  return experiment({
    network: { inputShape: [2], layers: [dense(32, 'relu', k), dense(32, 'relu', k), dense(32, 'relu', k), dense(2, 'softmax', k)] },
  });
}

const cell = (curve: CoordCheckCurve, step: number, layer: number) => curve.cells.find((c) => c.step === step && c.layer === layer)!;

describe('logLogSlope', () => {
  it('recovers the exponent of a power law and is 0 for a constant', () => {
    const xs = [64, 128, 256, 512];
    expect(
      logLogSlope(
        xs,
        xs.map((x) => 3 * x ** 0.5),
      ),
    ).toBeCloseTo(0.5, 10);
    expect(
      logLogSlope(
        xs,
        xs.map(() => 2),
      ),
    ).toBeCloseTo(0, 12);
    expect(logLogSlope(xs, [1, 2, 0, 4])).toBeNull();
  });
});

describe('μP learning-rate factors and multipliers', () => {
  it('follow the mup package: Adam scales hidden kernels by base/width, SGD vector-like params by width/base', () => {
    const p = { width: 256, baseWidth: 64, outputInit: 'gaussian' as const };
    // 2 hidden layers: [W0, b0, W1, b1, Wout, bout]
    expect(mupLrFactors({ ...p, parametrization: 'mup', optimizer: 'adam' }, 2)).toEqual([1, 1, 0.25, 1, 1, 1]);
    expect(mupLrFactors({ ...p, parametrization: 'mup', optimizer: 'sgd' }, 2)).toEqual([4, 4, 1, 4, 4, 1]);
    expect(mupLrFactors({ ...p, parametrization: 'standard', optimizer: 'adam' }, 2)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('initializes μP kernels with variance 1/fan_in and multiplies the logits by base/width', async () => {
    const { tf } = await getBackend();
    const shape = {
      inputSize: 8,
      hidden: [{ activation: { name: 'relu' as const }, kernelInitializer: { name: 'glorotUniform' as const } }],
      outputInitializer: { name: 'glorotUniform' as const },
      outputUnits: 3,
    };
    const mlp = buildMupMlp(tf, shape, { parametrization: 'mup', width: 1024, baseWidth: 64, optimizer: 'adam', outputInit: 'gaussian' }, 5);
    try {
      expect(mlp.outputMultiplier).toBe(64 / 1024);
      const w0 = await mlp.params[0]!.data();
      const wOut = await mlp.params[2]!.data();
      const variance = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v * v, 0) / a.length;
      expect(Math.abs(variance(w0) * 8 - 1)).toBeLessThan(0.08);
      expect(Math.abs(variance(wOut) * 1024 - 1)).toBeLessThan(0.1);
    } finally {
      for (const t of mlp.params) t.dispose();
    }
  });
});

describe('coordCheck (Adam)', () => {
  it('SP hidden activations grow with width after one step, μP ones stay flat; no tensor leaks', async () => {
    const { tf } = await getBackend();
    const before = tf.memory().numTensors;
    const result = CoordCheckResult.parse(await coordCheck(tf, { experiment: mlpExperiment(), widths: [512, 64, 128, 256], steps: 3, seeds: 6 }));
    expect(tf.memory().numTensors).toBe(before);
    expect(result.widths).toEqual([64, 128, 256, 512]);
    expect(result.baseWidth).toBe(64);
    expect(result.layers).toEqual(['hidden_1', 'hidden_2', 'hidden_3', 'output']);
    const sp = result.curves.find((c) => c.parametrization === 'standard')!;
    const mup = result.curves.find((c) => c.parametrization === 'mup')!;
    // At initialization both are width-stable in the hidden layers (He normal ≈ μP's 1/fan_in up to a
    // constant); the tolerance covers finite-width fluctuations at width 64.
    for (const l of [0, 1, 2]) {
      expect(Math.abs(cell(sp, 0, l).slope!)).toBeLessThan(0.15);
      expect(Math.abs(cell(mup, 0, l).slope!)).toBeLessThan(0.15);
    }
    // μP's logits start at O(base/width) (the output multiplier) and become O(1) once trained.
    expect(cell(mup, 0, 3).slope!).toBeLessThan(-0.8);
    // After one Adam step: SP's deeper hidden layers grow with width (Adam moves each of a unit's
    // `width` incoming weights by ≈ η, so the pre-activation moves by ≈ η·width) and its logits
    // blow up; μP's hidden layers stay flat within |slope| < 0.1 (the stated tolerance) and its
    // logits do not grow.
    expect(cell(sp, 1, 1).slope!).toBeGreaterThan(0.3);
    expect(cell(sp, 1, 2).slope!).toBeGreaterThan(0.5);
    expect(cell(sp, 1, 3).slope!).toBeGreaterThan(0.8);
    for (const l of [0, 1, 2]) expect(Math.abs(cell(mup, 1, l).slope!)).toBeLessThan(0.1);
    expect(cell(mup, 1, 3).slope!).toBeLessThan(0.1);
    // Steps 2 and 3: finite-width drift is larger, so the tolerance is |slope| < 0.2, and μP's last
    // hidden layer stays flatter than SP's.
    for (const step of [2, 3]) {
      for (const l of [0, 1, 2]) expect(Math.abs(cell(mup, step, l).slope!)).toBeLessThan(0.2);
      expect(cell(mup, step, 2).slope!).toBeLessThan(cell(sp, step, 2).slope! - 0.1);
      expect(cell(sp, step, 3).slope!).toBeGreaterThan(0.8);
      expect(cell(mup, step, 3).slope!).toBeLessThan(0.1);
    }
  });

  it('refuses a network that is not an MLP, naming the layer', async () => {
    const { tf } = await getBackend();
    const exp = experiment({
      dataset: { builtin: 'mnist', samples: 64, seed: 1 },
      network: {
        inputShape: [28, 28, 1],
        layers: [{ type: 'conv2d', filters: 2, kernelSize: 3, activation: { name: 'relu' } }, { type: 'flatten' }, dense(10, 'softmax')],
      },
    });
    await expect(coordCheck(tf, { experiment: exp, widths: [8, 16] })).rejects.toThrow(/network\.layers\.0 is a conv2d layer/);
    await expect(coordCheck(tf, { experiment: mlpExperiment(), widths: [8, 8] })).rejects.toThrow(/widths: widths must be distinct/);
    const error = await coordCheck(tf, { experiment: mlpExperiment(), widths: [1, 8] }).catch((e: InitScopeError) => e);
    expect((error as InitScopeError).code).toBe('invalid_input');
  });
});
