import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkSpec, type InitializerSpec } from '../../../contract/index.js';
import { meanFieldStds } from '../../../engine/diagnostics/mean-field.js';
import { buildModel } from '../../../engine/model.js';
import { Random } from '../../../engine/random.js';
import type { TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

/**
 * The classic demonstration (Glorot & Bengio 2010; He et al. 2015; CS231n): push a unit-Gaussian
 * batch through a deep stack at initialisation and watch each layer's output scale.
 */
let tf: TF;
let start: number;
const WIDTH = 256;
const DEPTH = 10;
const SAMPLES = 256;
let input: Float32Array;
beforeAll(async () => {
  tf = (await getBackend()).tf;
  start = tf.memory().numTensors;
  const rng = new Random(2024);
  input = Float32Array.from({ length: SAMPLES * WIDTH }, () => rng.normal());
});
afterAll(() => {
  expect(tf.memory().numTensors).toBe(start);
});

interface LayerScale {
  std: number;
  /** Second moment E[y²]. */
  m2: number;
  /** Fraction with |y| > 0.97. */
  saturated: number;
}

function stack(activation: 'tanh' | 'relu', kernelInitializer: InitializerSpec): NetworkSpec {
  const layers = Array.from({ length: DEPTH }, () => ({ type: 'dense' as const, units: WIDTH, activation: { name: activation }, kernelInitializer }));
  return NetworkSpec.parse({ inputShape: [WIDTH], layers });
}

/** Per-layer output scale of the stack on the fixed Gaussian batch. */
function scales(network: NetworkSpec): LayerScale[] {
  const model = buildModel(tf, network, { seed: 3 });
  try {
    const outputs = tf.tidy(() => {
      const { activations } = model.forward(tf.tensor2d(input, [SAMPLES, WIDTH]), { training: false, collectActivations: true });
      return activations!.map((a) => a.dataSync() as Float32Array);
    });
    return outputs.map((y) => {
      let s = 0;
      let s2 = 0;
      let sat = 0;
      for (const v of y) {
        s += v;
        s2 += v * v;
        if (Math.abs(v) > 0.97) sat++;
      }
      const mean = s / y.length;
      return { std: Math.sqrt(s2 / y.length - mean * mean), m2: s2 / y.length, saturated: sat / y.length };
    });
  } finally {
    model.dispose();
  }
}

const theory = (network: NetworkSpec) => meanFieldStds(network, { m1: 0, m2: 1 }, [], false);

describe('the classic depth demo (10 × 256 units)', () => {
  it('tanh with N(0, 0.01): activations collapse toward zero with depth, as theory predicts', () => {
    const net = stack('tanh', { name: 'normal', mean: 0, std: 0.01 });
    const s = scales(net);
    // Each layer multiplies the std by ≈ √(256·10⁻⁴) = 0.16.
    for (let l = 1; l < DEPTH; l++) expect(s[l]!.std / s[l - 1]!.std).toBeLessThan(0.2);
    expect(s[DEPTH - 1]!.std).toBeLessThan(1e-6);
    const t = theory(net);
    expect(s[0]!.std / t[0]!).toBeGreaterThan(0.9);
    expect(s[0]!.std / t[0]!).toBeLessThan(1.1);
  });

  it('tanh with N(0, 1): every layer saturates', () => {
    const s = scales(stack('tanh', { name: 'normal', mean: 0, std: 1 }));
    for (const layer of s) {
      expect(layer.saturated).toBeGreaterThan(0.85);
      expect(layer.std).toBeGreaterThan(0.9);
    }
  });

  it('tanh with Glorot normal: stays roughly level and follows mean-field theory layer by layer', () => {
    const net = stack('tanh', { name: 'glorotNormal' });
    const s = scales(net);
    const t = theory(net);
    expect(s[DEPTH - 1]!.std / s[0]!.std).toBeGreaterThan(0.3);
    for (let l = 0; l < DEPTH; l++) {
      expect(s[l]!.std).toBeGreaterThan(0.2);
      expect(s[l]!.std).toBeLessThan(0.8);
      expect(Math.abs(s[l]!.std / t[l]! - 1), `layer ${l}: ${s[l]!.std} vs theory ${t[l]}`).toBeLessThan(0.1);
    }
  });

  it('relu with He: the second moment keeps its scale through depth', () => {
    const net = stack('relu', { name: 'heNormal' });
    const s = scales(net);
    // E[relu(z)²] = Var(z)/2 and Var(z) = fan_in·(2/fan_in)·E[x²]: the second moment is preserved (≈ 1).
    for (const layer of s) {
      expect(layer.m2).toBeGreaterThan(0.6);
      expect(layer.m2).toBeLessThan(1.6);
    }
    // Mean-field theory holds near the input; deeper, finite-width fluctuations compound (≈ 8 % per layer).
    const t = theory(net);
    for (let l = 0; l < 3; l++) expect(Math.abs(s[l]!.std / t[l]! - 1), `layer ${l}`).toBeLessThan(0.1);
  });

  it('relu with LeCun (1/fan_in): loses about half its second moment per layer', () => {
    const s = scales(stack('relu', { name: 'lecunNormal' }));
    expect(s[0]!.m2).toBeCloseTo(0.5, 1);
    // Per layer the ratio fluctuates with the finite width; over nine layers its geometric mean is ½.
    for (let l = 1; l < DEPTH; l++) {
      const ratio = s[l]!.m2 / s[l - 1]!.m2;
      expect(ratio, `layer ${l}`).toBeGreaterThan(0.3);
      expect(ratio, `layer ${l}`).toBeLessThan(0.75);
    }
    const perLayer = (s[DEPTH - 1]!.m2 / s[0]!.m2) ** (1 / (DEPTH - 1));
    expect(perLayer).toBeGreaterThan(0.42);
    expect(perLayer).toBeLessThan(0.58);
  });
});
