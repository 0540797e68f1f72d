import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inferNetworkShapes, InitializerSpec, NetworkSpec } from '../../../contract/index.js';
import { initialValues } from '../../../engine/initializers.js';
import { buildModel, layerSeed } from '../../../engine/model.js';
import { deriveSeed } from '../../../engine/random.js';
import type { TF } from '../../../engine/tf.js';
import { dense, getBackend } from './helpers.js';

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

const net = (layers: unknown[], inputShape = [2]) => NetworkSpec.parse({ inputShape, layers });

describe('buildModel', () => {
  it('creates seeded variables, counts parameters and names layers', () => {
    const spec = net([dense(16, 'relu', { kernelInitializer: { name: 'heNormal' } }), { type: 'dropout', rate: 0.5 }, dense(2, 'softmax', { useBias: false })]);
    const model = buildModel(tf, spec, { seed: 5, target: { loss: 'sparseCategoricalCrossentropy', numClasses: 2, inputShape: [2] } });
    try {
      expect(model.paramCount).toBe(2 * 16 + 16 + 16 * 2);
      expect(model.layers.map((l) => l.name)).toEqual(['dense_0', 'dropout_1', 'dense_2']);
      expect(model.variables.length).toBe(3);
      expect(model.outputShape).toEqual([2]);
      expect(model.outputActivation).toEqual({ name: 'softmax' });
      expect(model.variables.map((v) => model.layerOfVariable(v.name))).toEqual(['dense_0', 'dense_0', 'dense_2']);
      const kernel0 = Array.from(model.variables[0]!.dataSync());
      const expected0 = initialValues(InitializerSpec.parse({ name: 'heNormal' }), [2, 16], deriveSeed(layerSeed(5, 0), 'kernel'));
      expect(kernel0).toEqual(Array.from(expected0));
      const kernel2 = Array.from(model.variables[2]!.dataSync());
      const expected2 = initialValues(InitializerSpec.parse({ name: 'glorotUniform' }), [16, 2], deriveSeed(layerSeed(5, 2), 'kernel'));
      expect(kernel2).toEqual(Array.from(expected2));
      expect(Array.from(model.variables[1]!.dataSync()).every((v) => v === 0)).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it('gives the same weights for the same seed and different ones for another seed', () => {
    const spec = net([dense(8, 'tanh'), dense(2, 'linear')]);
    const a = buildModel(tf, spec, { seed: 1 });
    const b = buildModel(tf, spec, { seed: 1 });
    const c = buildModel(tf, spec, { seed: 2 });
    try {
      expect(Array.from(a.variables[0]!.dataSync())).toEqual(Array.from(b.variables[0]!.dataSync()));
      expect(Array.from(a.variables[0]!.dataSync())).not.toEqual(Array.from(c.variables[0]!.dataSync()));
      expect(new Set([...a.variables, ...b.variables].map((v) => v.name)).size).toBe(8);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it('runs forward, returning logits, outputs and per-layer activations', () => {
    const model = buildModel(tf, net([dense(4, 'relu'), dense(3, 'softmax')]), { seed: 3 });
    try {
      tf.tidy(() => {
        const x = tf.tensor2d([
          [0.1, -0.2],
          [1, 2],
          [-3, 0.5],
        ]);
        const r = model.forward(x, { training: false, collectActivations: true });
        expect(r.output.shape).toEqual([3, 3]);
        expect(r.logits.shape).toEqual([3, 3]);
        expect(r.activations?.map((t) => t.shape)).toEqual([
          [3, 4],
          [3, 3],
        ]);
        const sums = tf.sum(r.output, -1).dataSync();
        for (const s of sums) expect(s).toBeCloseTo(1, 5);
        const fromLogits = tf.softmax(r.logits).dataSync();
        expect(
          Array.from(r.output.dataSync())
            .map((v, i) => v - fromLogits[i]!)
            .every((d) => Math.abs(d) < 1e-6),
        ).toBe(true);
        expect(Array.from(r.activations![0]!.dataSync()).every((v) => v >= 0)).toBe(true);
      });
    } finally {
      model.dispose();
    }
  });

  it('applies inverted dropout only while training, reproducibly per seed', () => {
    const model = buildModel(tf, net([{ type: 'dropout', rate: 0.5 }, dense(1, 'linear', { kernelInitializer: { name: 'ones' } })], [1000]), { seed: 1 });
    try {
      tf.tidy(() => {
        const x = tf.ones([1, 1000]);
        const mask = (training: boolean, dropoutSeed: number) =>
          Array.from(model.forward(x, { training, dropoutSeed, collectActivations: true }).activations![0]!.dataSync());
        expect(mask(false, 1).every((v) => v === 1)).toBe(true);
        const m1 = mask(true, 1);
        expect(m1.every((v) => v === 0 || v === 2)).toBe(true);
        const zeros = m1.filter((v) => v === 0).length;
        expect(zeros).toBeGreaterThan(400);
        expect(zeros).toBeLessThan(600);
        expect(mask(true, 1)).toEqual(m1);
        expect(mask(true, 2)).not.toEqual(m1);
      });
    } finally {
      model.dispose();
    }
  });

  it('names the layer when shapes do not fit', () => {
    expect(() => buildModel(tf, net([dense(4, 'relu')], [28, 28]), { seed: 1 })).toThrow(
      /^layer 0 \(dense\): expects a flat input of rank 1, got shape \[28, 28\]/,
    );
    const target = { loss: 'sparseCategoricalCrossentropy' as const, numClasses: 2, inputShape: [2] };
    expect(() => buildModel(tf, net([dense(4, 'relu'), dense(3, 'softmax')]), { seed: 1, target })).toThrow(/^layer 1 \(dense\): has 3 units/);
    expect(() => buildModel(tf, net([dense(4, 'relu'), dense(2, 'sigmoid')]), { seed: 1, target: { ...target, loss: 'binaryCrossentropy' } })).toThrow(
      /^layer 1 \(dense\): has 2 units but binaryCrossentropy needs exactly 1/,
    );
    buildModel(tf, net([dense(1, 'linear')]), { seed: 1, target: { ...target, loss: 'meanSquaredError' } }).dispose();
    expect(() => buildModel(tf, net([dense(2, 'softmax'), { type: 'dropout', rate: 0.1 }]), { seed: 1, target })).toThrow(
      /^layer 1 \(dropout\): the last layer must be dense/,
    );
    expect(() => buildModel(tf, net([dense(2, 'softmax')], [3]), { seed: 1, target })).toThrow(/input shape \[3\] does not match .* \[2\]/);
    // An initializer failing on layer 1's bias: the layer is named and layer 0's variables are freed.
    expect(() => buildModel(tf, net([dense(4, 'relu'), dense(2, 'linear', { biasInitializer: { name: 'orthogonal' } })]), { seed: 1 })).toThrow(
      /^layer 1 \(dense\): orthogonal initializer needs a tensor of rank ≥ 2/,
    );
  });

  it('infers shapes without tfjs', () => {
    const shapes = inferNetworkShapes(net([dense(5, 'relu'), { type: 'dropout', rate: 0.2 }, dense(2, 'linear', { useBias: false })], [3]));
    expect(shapes.map((s) => [s.name, s.outputShape, s.paramCount])).toEqual([
      ['dense_0', [5], 20],
      ['dropout_1', [5], 0],
      ['dense_2', [2], 10],
    ]);
  });
});
