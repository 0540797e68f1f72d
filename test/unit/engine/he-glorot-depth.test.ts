import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkSpec, type InitializerSpec } from '../../../contract/index.js';
import { buildModel } from '../../../engine/model.js';
import { Random } from '../../../engine/random.js';
import type { TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

/*
 * He et al. 2015 ("Delving Deep into Rectifiers", §2.2 and Fig. 3), small: a plain 20-layer ReLU MLP.
 * Backward signal theory: the gradient δ_l at hidden layer l has Var(δ_l) = fan_out · Var(W_{l+1}) · ½ ·
 * Var(δ_{l+1}) (the ½ is E[relu'²]). He (Var W = 2/fan_in) keeps it constant; Glorot
 * (Var W = 2/(fan_in + fan_out) = 1/W for square layers) halves it per layer. So ‖∂L/∂W₁‖ under Glorot
 * is He's times Π over W₂…W_out of √(Var_Glorot/Var_He) = 2^(−19/2) · √(W/(W+C)) (19 square hidden
 * kernels, then the W→C output kernel). With ReLU, zero biases and the SAME seed (the initializers
 * draw the same standard normals, scaled), the Glorot net is the He net with each kernel scaled, and
 * ReLU is positively homogeneous: the ratio holds exactly (up to float32 rounding). With another seed
 * it holds to the finite-width fluctuation.
 */
let tf: TF;
let start: number;
const W = 128;
const DEPTH = 20;
const C = 10;
const BATCH = 64;
let x: Float32Array;
let direction: Float32Array;

beforeAll(async () => {
  tf = (await getBackend()).tf;
  start = tf.memory().numTensors;
  const rng = new Random(99);
  x = Float32Array.from({ length: BATCH * W }, () => rng.normal());
  direction = Float32Array.from({ length: BATCH * C }, () => rng.normal());
});
afterAll(() => {
  expect(tf.memory().numTensors).toBe(start);
});

function network(kernelInitializer: InitializerSpec): NetworkSpec {
  const hidden = Array.from({ length: DEPTH }, () => ({ type: 'dense' as const, units: W, activation: { name: 'relu' as const }, kernelInitializer }));
  return NetworkSpec.parse({ inputShape: [W], layers: [...hidden, { type: 'dense', units: C, activation: { name: 'linear' }, kernelInitializer }] });
}

/** ‖∂L/∂W‖ of every kernel, for L = Σ output ⊙ r with a fixed random r (so ∂L/∂output does not depend on the net). */
function kernelGradNorms(init: InitializerSpec, seed: number): number[] {
  const model = buildModel(tf, network(init), { seed });
  try {
    return tf.tidy(() => {
      const input = tf.tensor2d(x, [BATCH, W]);
      const r = tf.tensor2d(direction, [BATCH, C]);
      const kernels = model.variables.filter((v) => v.shape.length === 2);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.forward(input, { training: true }).output, r)) as never, kernels);
      return kernels.map((k) => Math.sqrt(tf.sum(tf.square(grads[k.name]!)).dataSync()[0]!));
    });
  } finally {
    model.dispose();
  }
}

describe('deep plain ReLU net: first-layer gradients under Glorot vs He (He et al. 2015)', () => {
  const theory = 2 ** (-(DEPTH - 1) / 2) * Math.sqrt(W / (W + C));

  it('He keeps the first layer’s gradient O(1) relative to the last; Glorot shrinks it by 2^(−19/2)·√(W/(W+C)) ≈ 1.4e−3', () => {
    const he = kernelGradNorms({ name: 'heNormal' }, 5);
    const glorot = kernelGradNorms({ name: 'glorotNormal' }, 5);
    // He: the backward signal neither vanishes nor explodes over 20 layers (first vs last hidden kernel).
    const heSpread = he[0]! / he[DEPTH - 1]!;
    expect(heSpread).toBeGreaterThan(1 / 3);
    expect(heSpread).toBeLessThan(3);
    // Same draws, scaled: the ratio is the theory's, to float32 rounding.
    expect(glorot[0]! / he[0]!).toBeCloseTo(theory, 6);
    expect(Math.abs(glorot[0]! / he[0]! / theory - 1)).toBeLessThan(1e-3);
    expect(theory).toBeLessThan(1.5e-3);
  });

  it('with independent draws the Glorot/He ratio still follows the theory within finite-width fluctuation', () => {
    const ratio = kernelGradNorms({ name: 'glorotNormal' }, 11)[0]! / kernelGradNorms({ name: 'heNormal' }, 5)[0]!;
    expect(ratio / theory).toBeGreaterThan(1 / 3);
    expect(ratio / theory).toBeLessThan(3);
  });
});
