import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OptimizerSpec } from '../../../contract/index.js';
import { createLoss } from '../../../engine/losses.js';
import { createOptimizer, disposeOptimizer } from '../../../engine/optimizers.js';
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

const logSoftmax = (r: number[]) => {
  const m = Math.max(...r);
  const lse = m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0));
  return r.map((v) => v - lse);
};

describe('losses', () => {
  const logits = [
    [2, -1, 0.5],
    [-0.3, 0.2, 0.1],
    [1000, -1000, 0],
  ];
  const labels = [0, 2, 1];

  it('sparse categorical CE uses the pre-softmax logits stably', () => {
    const loss = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: { name: 'softmax' }, outputUnits: 3, numClasses: 3 });
    const expected = -labels.reduce((acc, y, i) => acc + logSoftmax(logits[i]!)[y]!, 0) / 3;
    const [value, correct, gradFinite] = tf.tidy(() => {
      const z = tf.tensor2d(logits);
      const y = tf.tensor1d(labels, 'int32');
      const result = { logits: z, output: tf.softmax(z) };
      const g = tf.grad((t) => loss.loss({ logits: t, output: tf.softmax(t) }, y))(z);
      return [loss.loss(result, y).dataSync()[0]!, loss.correct(result, y).dataSync()[0]!, Array.from(g.dataSync()).every(Number.isFinite)];
    });
    expect(value).toBeCloseTo(expected, 3);
    expect(Number.isFinite(value)).toBe(true);
    expect(correct).toBe(1); // row 0 right; row 1 predicts 1 (label 2); row 2 predicts 0 (label 1)
    expect(gradFinite).toBe(true);
  });

  it('sparse categorical CE treats a linear output as logits', () => {
    const loss = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: { name: 'linear' }, outputUnits: 3, numClasses: 3 });
    const value = tf.tidy(() => {
      const z = tf.tensor2d(logits.slice(0, 2));
      return loss.loss({ logits: z, output: z }, tf.tensor1d(labels.slice(0, 2), 'int32')).dataSync()[0]!;
    });
    expect(value).toBeCloseTo(-(logSoftmax(logits[0]!)[0]! + logSoftmax(logits[1]!)[2]!) / 2, 5);
  });

  it('binary CE equals −[y log σ(z) + (1−y) log(1−σ(z))], stably for large |z|', () => {
    const loss = createLoss(tf, 'binaryCrossentropy', { outputActivation: { name: 'sigmoid' }, outputUnits: 1, numClasses: 2 });
    const z = [0.3, -2, 5, 200];
    const y = [1, 0, 0, 1];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const perSample = z.map((zi, i) => (y[i] === 1 ? -Math.log(sig(zi)) : -Math.log(1 - sig(zi))));
    const [value, correct] = tf.tidy(() => {
      const zt = tf.tensor2d(z, [4, 1]);
      const result = { logits: zt, output: tf.sigmoid(zt) };
      const yt = tf.tensor1d(y, 'int32');
      return [loss.loss(result, yt).dataSync()[0]!, loss.correct(result, yt).dataSync()[0]!];
    });
    expect(value).toBeCloseTo(perSample.reduce((a, b) => a + b, 0) / 4, 4);
    expect(correct).toBe(3); // 0.3→1 ✓, −2→0 ✓, 5→1 ✗, 200→1 ✓
  });

  it('MSE compares with one-hot targets (or the label with one unit)', () => {
    const multi = createLoss(tf, 'meanSquaredError', { outputActivation: { name: 'linear' }, outputUnits: 2, numClasses: 2 });
    const single = createLoss(tf, 'meanSquaredError', { outputActivation: { name: 'sigmoid' }, outputUnits: 1, numClasses: 2 });
    const [m, mc, s, sc] = tf.tidy(() => {
      const out = tf.tensor2d([
        [0.2, 0.9],
        [0.6, 0.1],
      ]);
      const y = tf.tensor1d([1, 1], 'int32');
      const one = tf.tensor2d([[0.7], [0.2]]);
      return [
        multi.loss({ logits: out, output: out }, y).dataSync()[0]!,
        multi.correct({ logits: out, output: out }, y).dataSync()[0]!,
        single.loss({ logits: one, output: one }, y).dataSync()[0]!,
        single.correct({ logits: one, output: one }, y).dataSync()[0]!,
      ];
    });
    expect(m).toBeCloseTo((0.2 ** 2 + 0.1 ** 2 + 0.6 ** 2 + 0.9 ** 2) / 4, 5);
    expect(mc).toBe(1);
    expect(s).toBeCloseTo((0.3 ** 2 + 0.8 ** 2) / 2, 5);
    expect(sc).toBe(1);
  });
});

describe('optimizers', () => {
  const specs = [
    { name: 'sgd', learningRate: 0.1 },
    { name: 'momentum', learningRate: 0.1, momentum: 0.9 },
    { name: 'momentum', learningRate: 0.1, momentum: 0.9, nesterov: true },
    { name: 'adagrad', learningRate: 0.5 },
    { name: 'rmsprop', learningRate: 0.05 },
    { name: 'adam', learningRate: 0.1 },
  ];
  for (const raw of specs) {
    it(`${JSON.stringify(raw)} decreases a quadratic and frees its state`, () => {
      const spec = OptimizerSpec.parse(raw);
      const init = tf.tensor1d([3, -2]);
      const w = tf.variable(init, true, `opt-test-${JSON.stringify(raw)}`);
      init.dispose();
      const opt = createOptimizer(tf, spec);
      const f = () => tf.sum(tf.square(w)) as never;
      const start = tf.tidy(() => tf.sum(tf.square(w)).dataSync()[0]!);
      for (let i = 0; i < 5; i++) {
        const { value, grads } = tf.variableGrads(f, [w]);
        opt.applyGradients(grads);
        value.dispose();
        for (const g of Object.values(grads)) g.dispose();
      }
      const end = tf.tidy(() => tf.sum(tf.square(w)).dataSync()[0]!);
      expect(end).toBeLessThan(start);
      disposeOptimizer(opt);
      w.dispose();
    });
  }
});
