import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LrSchedule, OptimizerSpec } from '../../../contract/index.js';
import { learningRateAt } from '../../../engine/lr-schedule.js';
import { createOptimizer } from '../../../engine/optimizers.js';
import type { TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

let tf: TF;
let startTensors: number;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});
beforeEach(() => {
  startTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(startTensors);
});

/** Tiny problem: loss = ½‖w − t‖², so g = w − t. */
const W0 = [1.5, -2, 0.25];
const T = [0.5, 1, -1];
const grad = (w: number[]) => w.map((v, i) => v - T[i]!);

/** Independent float64 implementations of the papers' update rules; `state` persists between steps. */
type Ref = (w: number[], g: number[], lr: number, t: number, state: number[][]) => number[];
const REFERENCE: Record<string, { raw: Record<string, unknown>; step: Ref }> = {
  sgd: { raw: { name: 'sgd', learningRate: 0.1 }, step: (w, g, lr) => w.map((v, i) => v - lr * g[i]!) },
  momentum: {
    raw: { name: 'momentum', learningRate: 0.1, momentum: 0.9 },
    step: (w, g, lr, _t, s) => {
      s[0] ??= w.map(() => 0);
      s[0] = s[0].map((v, i) => 0.9 * v + g[i]!);
      return w.map((x, i) => x - lr * s[0]![i]!);
    },
  },
  nesterov: {
    raw: { name: 'momentum', learningRate: 0.1, momentum: 0.9, nesterov: true },
    step: (w, g, lr, _t, s) => {
      s[0] ??= w.map(() => 0);
      s[0] = s[0].map((v, i) => 0.9 * v + g[i]!);
      return w.map((x, i) => x - lr * (g[i]! + 0.9 * s[0]![i]!));
    },
  },
  adagrad: {
    raw: { name: 'adagrad', learningRate: 0.5, initialAccumulator: 0.1, epsilon: 1e-7 },
    step: (w, g, lr, _t, s) => {
      s[0] ??= w.map(() => 0.1);
      s[0] = s[0].map((v, i) => v + g[i]! ** 2);
      return w.map((x, i) => x - (lr * g[i]!) / (Math.sqrt(s[0]![i]!) + 1e-7));
    },
  },
  rmsprop: {
    raw: { name: 'rmsprop', learningRate: 0.01, decay: 0.9, epsilon: 1e-7 },
    step: (w, g, lr, _t, s) => {
      s[0] ??= w.map(() => 0);
      s[0] = s[0].map((v, i) => 0.9 * v + 0.1 * g[i]! ** 2);
      return w.map((x, i) => x - (lr * g[i]!) / (Math.sqrt(s[0]![i]!) + 1e-7));
    },
  },
  adam: {
    raw: { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    step: (w, g, lr, t, s) => adamRef(w, g, lr, t, s, 0),
  },
  adamw: {
    raw: { name: 'adamw', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.1 },
    step: (w, g, lr, t, s) => adamRef(w, g, lr, t, s, 0.1),
  },
};

function adamRef(w: number[], g: number[], lr: number, t: number, s: number[][], decay: number): number[] {
  s[0] ??= w.map(() => 0);
  s[1] ??= w.map(() => 0);
  s[0] = s[0].map((m, i) => 0.9 * m + 0.1 * g[i]!);
  s[1] = s[1].map((v, i) => 0.999 * v + 0.001 * g[i]! ** 2);
  return w.map((x, i) => {
    const mHat = s[0]![i]! / (1 - 0.9 ** t);
    const vHat = s[1]![i]! / (1 - 0.999 ** t);
    return x - lr * (mHat / (Math.sqrt(vHat) + 1e-7) + decay * x);
  });
}

describe('optimizers match a hand-computed update', () => {
  it('covers every contract optimizer', () => {
    const names = new Set(Object.values(REFERENCE).map((r) => r.raw.name));
    expect([...names].sort()).toEqual(OptimizerSpec.options.map((o) => o.shape.name.value).sort());
  });

  for (const [label, { raw, step }] of Object.entries(REFERENCE)) {
    it(`${label}: three steps (the third with a scheduled learning rate) equal the formula`, () => {
      const spec = OptimizerSpec.parse(raw);
      const init = tf.tensor1d(W0);
      const w = tf.variable(init, true, `opt-ref-${label}`);
      init.dispose();
      const opt = createOptimizer(tf, spec);
      let expected = [...W0];
      const state: number[][] = [];
      const rates = [spec.learningRate, spec.learningRate, spec.learningRate / 4];
      try {
        rates.forEach((lr, k) => {
          const g = tf.tidy(() => tf.sub(w, tf.tensor1d(T)));
          opt.applyGradients({ [w.name]: g }, k < 2 ? undefined : lr);
          g.dispose();
          expected = step(expected, grad(expected), lr, k + 1, state);
          const got = Array.from(w.dataSync());
          got.forEach((v, i) => expect(v, `${label} step ${k + 1} w[${i}]`).toBeCloseTo(expected[i]!, 5));
        });
        expect(opt.iterations).toBe(3);
      } finally {
        opt.dispose();
        w.dispose();
      }
    });
  }
});

describe('learning-rate schedules', () => {
  const at = (step: number, epoch: number) => ({ step, epoch, totalSteps: 100 });
  it('constant keeps the base rate', () => {
    expect(learningRateAt(0.1, LrSchedule.parse({ name: 'constant' }), at(57, 6))).toBe(0.1);
  });
  it('step multiplies by gamma every `everyEpochs` epochs', () => {
    const s = LrSchedule.parse({ name: 'step', everyEpochs: 3, gamma: 0.5 });
    expect([1, 3, 4, 6, 7, 10].map((e) => learningRateAt(0.8, s, at(1, e)))).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.1]);
  });
  it('cosine goes from the base rate at step 1 through the midpoint to the minimum', () => {
    const s = LrSchedule.parse({ name: 'cosine', minLearningRate: 0.01 });
    expect(learningRateAt(0.1, s, at(1, 1))).toBeCloseTo(0.1, 12);
    expect(learningRateAt(0.1, s, at(51, 5))).toBeCloseTo(0.055, 12); // ½(0.1 + 0.01)
    expect(learningRateAt(0.1, s, at(26, 3))).toBeCloseTo(0.01 + 0.045 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(learningRateAt(0.1, s, at(101, 10))).toBeCloseTo(0.01, 12);
  });
});
