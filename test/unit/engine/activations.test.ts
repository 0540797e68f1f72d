import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, ActivationSpec } from '../../../contract/index.js';
import { applyActivation } from '../../../engine/activations.js';
import type { TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

/** erf by its Maclaurin series (float64; accurate to ~1e-10 for |x| ≤ 4; beyond, |1 − |erf|| < 2e-8). */
function erf(x: number): number {
  if (Math.abs(x) > 4) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const SELU_L = 1.0507009873554805;
const SELU_A = 1.6732632423543772;

/** Closed forms, written independently of the engine. */
const CLOSED: Record<string, { spec: unknown; f: (x: number) => number }> = {
  linear: { spec: { name: 'linear' }, f: (x) => x },
  sigmoid: { spec: { name: 'sigmoid' }, f: sigmoid },
  tanh: { spec: { name: 'tanh' }, f: Math.tanh },
  relu: { spec: { name: 'relu' }, f: (x) => Math.max(x, 0) },
  leakyRelu: { spec: { name: 'leakyRelu', alpha: 0.01 }, f: (x) => (x > 0 ? x : 0.01 * x) },
  elu: { spec: { name: 'elu', alpha: 0.5 }, f: (x) => (x > 0 ? x : 0.5 * (Math.exp(x) - 1)) },
  selu: { spec: { name: 'selu' }, f: (x) => (x > 0 ? SELU_L * x : SELU_L * SELU_A * (Math.exp(x) - 1)) },
  gelu: { spec: { name: 'gelu' }, f: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)) },
  swish: { spec: { name: 'swish' }, f: (x) => x * sigmoid(x) },
  softplus: { spec: { name: 'softplus' }, f: (x) => Math.log1p(Math.exp(x)) },
  softsign: { spec: { name: 'softsign' }, f: (x) => x / (1 + Math.abs(x)) },
  hardSigmoid: { spec: { name: 'hardSigmoid' }, f: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)) },
  relu6: { spec: { name: 'relu6' }, f: (x) => Math.min(6, Math.max(0, x)) },
};
const EXTRA: Record<string, { spec: unknown; f: (x: number) => number }> = {
  'leakyRelu alpha 0.2': { spec: { name: 'leakyRelu', alpha: 0.2 }, f: (x) => (x > 0 ? x : 0.2 * x) },
  'elu alpha 1 (default)': { spec: { name: 'elu' }, f: (x) => (x > 0 ? x : Math.exp(x) - 1) },
};

/** Points away from every kink (0, ±2.5 for hardSigmoid, 6 for relu6). */
const XS = [-4, -2.7, -1.3, -0.6, -0.15, 0.1, 0.45, 1.2, 2.2, 3.1, 7];
const close = (actual: number, expected: number, tol = 1e-4) => Math.abs(actual - expected) <= tol * (1 + Math.abs(expected));

describe('applyActivation (element-wise)', () => {
  it('covers every contract activation', () => {
    expect([...Object.keys(CLOSED), 'softmax'].sort()).toEqual([...ACTIVATION_NAMES].sort());
  });

  for (const [label, c] of [...Object.entries(CLOSED), ...Object.entries(EXTRA)]) {
    it(`${label}: values and gradients match the closed form and central differences`, () => {
      const spec = ActivationSpec.parse(c.spec);
      const before = tf.memory().numTensors;
      const x = tf.tensor1d(XS);
      const y = applyActivation(tf, x, spec);
      const g = tf.grad((t) => tf.sum(applyActivation(tf, t, spec)))(x);
      const values = Array.from(y.dataSync());
      const grads = Array.from(g.dataSync());
      if (y !== x) y.dispose();
      x.dispose();
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const h = 1e-6;
      XS.forEach((xv, i) => {
        expect(close(values[i]!, c.f(xv)), `${label}(${xv}) = ${values[i]} vs ${c.f(xv)}`).toBe(true);
        const fd = (c.f(xv + h) - c.f(xv - h)) / (2 * h);
        expect(close(grads[i]!, fd), `${label}'(${xv}) = ${grads[i]} vs ${fd}`).toBe(true);
      });
    });
  }

  it('elu has finite gradients for large positive inputs (no 0·∞ from the unused branch)', () => {
    const spec = ActivationSpec.parse({ name: 'elu', alpha: 0.5 });
    const g = tf.tidy(() =>
      Array.from(
        tf
          .grad((t) => tf.sum(applyActivation(tf, t, spec)))(tf.tensor1d([100, 500, -100]))
          .dataSync(),
      ),
    );
    expect(g[0]).toBe(1);
    expect(g[1]).toBe(1);
    expect(Math.abs(g[2]!)).toBeLessThan(1e-30);
  });
});

describe('softmax', () => {
  it('normalises over the last axis, with the exact Jacobian', () => {
    const rows = [
      [0.5, -1, 2, 0.1],
      [3, 3, -2, 0],
    ];
    const w = [0.3, -1.2, 0.7, 2];
    const softmax = (r: number[]) => {
      const m = Math.max(...r);
      const e = r.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    const objective = (r: number[]) => softmax(r).reduce((acc, p, j) => acc + p * w[j]!, 0);
    const spec = ActivationSpec.parse({ name: 'softmax' });
    const before = tf.memory().numTensors;
    const [values, grads] = tf.tidy(() => {
      const x = tf.tensor2d(rows);
      const wt = tf.tensor1d(w);
      const y = applyActivation(tf, x, spec);
      const g = tf.grad((t) => tf.sum(tf.mul(applyActivation(tf, t, spec), wt)))(x);
      return [y.arraySync() as number[][], g.arraySync() as number[][]];
    });
    expect(tf.memory().numTensors).toBe(before);
    rows.forEach((r, i) => {
      const p = softmax(r);
      const h = 1e-6;
      r.forEach((_, j) => {
        expect(close(values[i]![j]!, p[j]!)).toBe(true);
        const plus = r.map((v, k) => (k === j ? v + h : v));
        const minus = r.map((v, k) => (k === j ? v - h : v));
        const fd = (objective(plus) - objective(minus)) / (2 * h);
        expect(close(grads[i]![j]!, fd), `d/dx[${i}][${j}]`).toBe(true);
      });
    });
  });
});
