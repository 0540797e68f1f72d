import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, ActivationSpec } from '../../../contract/index.js';
import { applyActivation } from '../../../engine/activations.js';
import { gaussianMoments } from '../../../engine/diagnostics/gaussian-moments.js';
import { erf, scalarActivation } from '../../../engine/diagnostics/scalar-activations.js';
import { createLoss } from '../../../engine/losses.js';
import type { TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

let tf: TF;
let start: number;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

describe('scalar activations (the theory side)', () => {
  it('erf matches known values', () => {
    expect(erf(0)).toBeCloseTo(0, 7);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 6);
    expect(erf(-1.5)).toBeCloseTo(-0.9661051464753108, 6);
  });

  it('agree with the tfjs activations for every element-wise activation', () => {
    const xs = [-6, -2.5, -1, -0.3, 0, 0.2, 1, 3, 7];
    for (const name of ACTIVATION_NAMES) {
      const spec = ActivationSpec.parse({ name, ...(name === 'leakyRelu' ? { alpha: 0.1 } : name === 'elu' ? { alpha: 0.7 } : {}) });
      const f = scalarActivation(spec);
      if (name === 'softmax') {
        expect(f).toBeNull();
        continue;
      }
      const got = tf.tidy(() => Array.from(applyActivation(tf, tf.tensor1d(xs), spec).dataSync()));
      xs.forEach((x, i) => expect(got[i]!, `${name}(${x})`).toBeCloseTo(f!(x), 5));
    }
  });
});

describe('gaussianMoments', () => {
  it('reproduces closed forms: linear, relu, and a shifted sigmoid symmetry', () => {
    const lin = gaussianMoments((x) => x, 0.3, 2);
    expect(lin.m1).toBeCloseTo(0.3, 10);
    expect(lin.m2).toBeCloseTo(2 + 0.09, 10);
    // z ~ N(0, q): E[relu z] = √(q/2π), E[relu(z)²] = q/2.
    const relu = gaussianMoments((x) => Math.max(x, 0), 0, 4);
    expect(relu.m1).toBeCloseTo(Math.sqrt(4 / (2 * Math.PI)), 8);
    expect(relu.m2).toBeCloseTo(2, 8);
    // σ(z) + σ(−z) = 1, so E[σ(z)] = ½ for symmetric z.
    expect(gaussianMoments((x) => 1 / (1 + Math.exp(-x)), 0, 3).m1).toBeCloseTo(0.5, 10);
    // E[tanh(z)²] for z ~ N(0, 1) ≈ 0.3942 (a standard mean-field value).
    expect(gaussianMoments(Math.tanh, 0, 1).m2).toBeCloseTo(0.3942, 3);
    expect(gaussianMoments(Math.tanh, 0.5, 0)).toEqual({ m1: Math.tanh(0.5), m2: Math.tanh(0.5) ** 2 });
  });
});

describe('categorical cross-entropy', () => {
  it('equals −Σ t·log softmax(z) with one-hot targets (and the sparse form)', () => {
    const logits = [
      [2, -1, 0.5],
      [-0.3, 0.2, 0.1],
    ];
    const labels = [0, 2];
    const expected =
      -labels.reduce((a, y, i) => {
        const r = logits[i]!;
        const lse = Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
        return a + (r[y]! - lse);
      }, 0) / labels.length;
    const target = { outputActivation: { name: 'softmax' as const }, outputUnits: 3, numClasses: 3 };
    const [cat, sparse] = tf.tidy(() => {
      const z = tf.tensor2d(logits);
      const result = { logits: z, output: tf.softmax(z) };
      const y = tf.tensor1d(labels, 'int32');
      return [
        createLoss(tf, 'categoricalCrossentropy', target).loss(result, y).dataSync()[0]!,
        createLoss(tf, 'sparseCategoricalCrossentropy', target).loss(result, y).dataSync()[0]!,
      ];
    });
    expect(cat).toBeCloseTo(expected, 5);
    expect(sparse).toBeCloseTo(cat, 6);
  });
});
