import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followShapes, inferNetworkShapes, NetworkSpec } from '../../../contract/index.js';
import { fixupScale } from '../../../engine/layers/residual.js';
import { buildModel, type Model } from '../../../engine/model.js';
import { Random } from '../../../engine/random.js';
import type { TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

type Matrix = number[][];
const matmul = (x: Matrix, w: Matrix): Matrix => x.map((row) => w[0]!.map((_, j) => row.reduce((s, v, k) => s + v * w[k]![j]!, 0)));
const relu = (m: Matrix): Matrix => m.map((r) => r.map((v) => Math.max(0, v)));
const addRow = (m: Matrix, b: number[]): Matrix => m.map((r) => r.map((v, j) => v + b[j]!));
const add = (a: Matrix, b: Matrix): Matrix => a.map((r, i) => r.map((v, j) => v + b[i]![j]!));

/** The values of a model's variable with role `role` in layer `layer`, as a [rows][cols] matrix (or a vector as one row). */
function param(model: Model, layer: number, role: string): Matrix {
  const v = model.layers[layer]!.params.find((p) => p.role === role)?.variable;
  if (!v) throw new Error(`no ${role} in layer ${layer}`);
  const flat = Array.from(v.dataSync());
  const cols = v.shape[v.shape.length - 1] as number;
  return Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

function network(layers: unknown[], inputShape = [4]): NetworkSpec {
  return NetworkSpec.parse({ inputShape, layers });
}

function randomInput(rows: number, cols: number, seed: number): Matrix {
  const rng = new Random(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
}

describe('residual block shapes', () => {
  it('counts every parameter by role and refuses an identity skip whose widths differ, naming the layer', () => {
    const spec = network([{ type: 'residual', units: 8, skip: 'projection', normalization: 'batchNorm' }]);
    const [info] = inferNetworkShapes(spec);
    expect(info!.outputShape).toEqual([8]);
    expect(Object.keys(info!.paramShapes)).toEqual(['kernel', 'bias', 'gamma', 'beta', 'kernel2', 'bias2', 'gamma2', 'beta2', 'projection']);
    expect(info!.paramCount).toBe(4 * 8 + 8 + 16 + 8 * 8 + 8 + 16 + 4 * 8);
    expect(info!.stateCount).toBe(32);
    const fixup = inferNetworkShapes(network([{ type: 'residual', units: 4, init: 'fixup' }]))[0]!;
    expect(fixup.paramShapes).toEqual({
      kernel: [4, 4],
      kernel2: [4, 4],
      fixupBias1a: [1],
      fixupBias1b: [1],
      fixupBias2a: [1],
      fixupScale: [1],
      fixupBias2b: [1],
    });
    const conv = followShapes([6, 6, 3], network([{ type: 'residual', branch: 'conv2d', units: 5, skip: 'projection' }], [6, 6, 3]).layers)[0]!;
    expect(conv.outputShape).toEqual([6, 6, 5]);
    expect(conv.paramShapes.projection).toEqual([1, 1, 3, 5]);
    expect(() =>
      inferNetworkShapes(
        network([
          { type: 'dense', units: 4 },
          { type: 'residual', units: 8 },
        ]),
      ),
    ).toThrow(/^layer 1 \(residual\): an identity skip needs the input's last axis \(4\) to equal the block's units \(8\)/);
  });
});

describe('residual block forward', () => {
  it('computes skip(x) + branch(x) like an independent matrix computation (identity, projection, post-activation)', async () => {
    const spec = network([
      { type: 'residual', units: 4 },
      { type: 'residual', units: 3, skip: 'projection', postActivation: true },
    ]);
    const start = tf.memory().numTensors;
    const model = buildModel(tf, spec, { seed: 11 });
    try {
      // Non-zero biases, so that they are checked too.
      for (const layer of model.layers)
        for (const p of layer.params) if (p.role.startsWith('bias')) tf.tidy(() => p.variable.assign(tf.fill(p.variable.shape, 0.1 * (layer.index + 1))));
      const x = randomInput(5, 4, 3);
      const b0 = param(model, 0, 'bias')[0]!;
      const b02 = param(model, 0, 'bias2')[0]!;
      const h0 = add(x, addRow(matmul(relu(addRow(matmul(x, param(model, 0, 'kernel')), b0)), param(model, 0, 'kernel2')), b02));
      const b1 = param(model, 1, 'bias')[0]!;
      const b12 = param(model, 1, 'bias2')[0]!;
      const branch1 = addRow(matmul(relu(addRow(matmul(h0, param(model, 1, 'kernel')), b1)), param(model, 1, 'kernel2')), b12);
      const expected = relu(add(matmul(h0, param(model, 1, 'projection')), branch1));
      const got = tf.tidy(() => model.forward(tf.tensor2d(x), { training: false }).output.arraySync()) as Matrix;
      got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 4)));
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('starts as the identity with SkipInit (α = 0) and Fixup (last layer 0, first layer scaled by L^-1/2)', () => {
    const blocks = (init: string) =>
      network(
        Array.from({ length: 4 }, () => ({ type: 'residual', units: 16, init })),
        [16],
      );
    const start = tf.memory().numTensors;
    const standard = buildModel(tf, blocks('standard'), { seed: 5 });
    const fixup = buildModel(tf, blocks('fixup'), { seed: 5 });
    const skipInit = buildModel(tf, blocks('skipInit'), { seed: 5 });
    try {
      expect(fixupScale(4)).toBeCloseTo(0.5, 12);
      const std = (m: Matrix) => Math.sqrt(m.flat().reduce((s, v) => s + v * v, 0) / m.flat().length);
      // Same seed, same draws: Fixup's first kernel is the standard one times 1/√4.
      const ratio = std(param(fixup, 2, 'kernel')) / std(param(standard, 2, 'kernel'));
      expect(ratio).toBeCloseTo(0.5, 5);
      expect(
        param(fixup, 2, 'kernel2')
          .flat()
          .every((v) => v === 0),
      ).toBe(true);
      expect(param(fixup, 2, 'fixupScale')[0]).toEqual([1]);
      expect(param(skipInit, 1, 'alpha')[0]).toEqual([0]);
      const x = randomInput(8, 16, 9);
      for (const model of [fixup, skipInit]) {
        const y = tf.tidy(() => model.forward(tf.tensor2d(x), { training: false }).output.arraySync()) as Matrix;
        y.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(x[i]![j]!, 6)));
      }
    } finally {
      standard.dispose();
      fixup.dispose();
      skipInit.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('runs a conv2d block with batchNorm and a projection skip, and frees everything', () => {
    const spec = network([{ type: 'residual', branch: 'conv2d', units: 4, kernelSize: 3, skip: 'projection', normalization: 'batchNorm' }], [5, 5, 2]);
    const start = tf.memory().numTensors;
    const model = buildModel(tf, spec, { seed: 2 });
    try {
      expect(model.paramCount).toBe(inferNetworkShapes(spec)[0]!.paramCount);
      const out = tf.tidy(() => {
        const x = tf.randomNormal([3, 5, 5, 2], 0, 1, 'float32', 4);
        const r = model.forward(x, { training: true, collectActivations: true });
        // With batchNorm (γ 1, β 0) on batch statistics, the branch's channels have mean 0 and variance ≈ 1.
        const branch = r.branches![0]!;
        const m = tf.moments(branch, [0, 1, 2]);
        return { shape: r.output.shape, mean: Array.from(m.mean.dataSync()), variance: Array.from(m.variance.dataSync()) };
      });
      expect(out.shape).toEqual([3, 5, 5, 4]);
      out.mean.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-4));
      out.variance.forEach((v) => expect(v).toBeGreaterThan(0.95));
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });
});
