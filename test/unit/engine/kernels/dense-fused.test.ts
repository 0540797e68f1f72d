import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NetworkSpec, type ActivationSpec } from '../../../../contract/index.js';
import { DENSE_KERNEL, DENSE_RELU_GRAD_KERNEL, fusedDense, hasFusedDense } from '../../../../engine/kernels/dense-fused.js';
import { FULL_WASM_KERNELS, registerWasmKernels } from '../../../../engine/kernels/index.js';
import { buildModel } from '../../../../engine/model.js';
import type { Tensor, TF } from '../../../../engine/tf.js';
import { onCpu, values, wasmBuffers, wasmTf } from './backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});
afterEach(() => registerWasmKernels(tf, FULL_WASM_KERNELS));

/** Every activation the fused kernel applies itself (relu, linear) and the ones applied after its affine output. */
const ACTIVATIONS: ActivationSpec[] = [
  { name: 'relu' },
  { name: 'linear' },
  { name: 'tanh' },
  { name: 'sigmoid' },
  { name: 'leakyRelu', alpha: 0.1 },
  { name: 'elu', alpha: 1 },
  { name: 'selu' },
  { name: 'gelu' },
];

/** [batch, fanIn, hidden, units]: batch 1, sizes that are not multiples of 4 or 8, and the benchmark MLP's first layers. */
const SHAPES: [number, number, number, number][] = [
  [1, 5, 3, 2],
  [7, 13, 9, 5],
  [33, 70, 21, 10],
  [128, 784, 256, 128],
];

/** Everything a forward and backward of the two-layer net gives: output, first pre-activation, ∂/∂x and ∂/∂(every variable). */
interface Pass {
  output: Float32Array;
  pre: Float32Array;
  grads: Float32Array[];
}

/**
 * Builds fanIn → dense(hidden, a) → dense(units, a) with seeded weights (the same on every backend),
 * and returns the output, the first layer's pre-activation, and the gradients of Σ output·R (R
 * seeded) with respect to x and to every variable. Frees everything it creates.
 */
function pass(a: ActivationSpec, [batch, fanIn, hidden, units]: [number, number, number, number], useBias = true): Pass {
  const network = NetworkSpec.parse({
    inputShape: [fanIn],
    layers: [
      { type: 'dense', units: hidden, useBias, activation: a },
      { type: 'dense', units, useBias, activation: a },
    ],
  });
  const model = buildModel(tf, network, { seed: 3 });
  try {
    tf.tidy(() => model.variables.forEach((v, i) => v.assign(tf.tensor(values(v.size, 60 + i), v.shape).mul(Math.sqrt(3 / (v.shape[0] ?? 1))))));
    return tf.tidy(() => {
      const x = tf.tensor(values(batch * fanIn, 11 + batch), [batch, fanIn]);
      const r = tf.tensor(values(batch * units, 13 + units), [batch, units]);
      const output = model.forward(x, { training: true }).output;
      const pre = model.layers[0]!.apply(x, { training: true, dropoutSeed: 0 }).preActivation;
      const f = (xx: Tensor) => tf.sum(tf.mul(model.forward(xx, { training: true }).output, r));
      const dx = tf.grad(f)(x);
      const { grads } = tf.variableGrads(() => f(x) as never, [...model.variables]);
      const read = (t: Tensor) => t.dataSync() as Float32Array;
      return { output: read(output), pre: read(pre), grads: [dx, ...model.variables.map((v) => grads[v.name]!)].map(read) };
    });
  } finally {
    model.dispose();
  }
}

/** The same pass on wasm with the dense kernel unregistered: the unfused tf-op path on the same backend. */
function unfusedPass(...args: Parameters<typeof pass>): Pass {
  tf.unregisterKernel(DENSE_KERNEL, 'wasm');
  try {
    expect(hasFusedDense(tf)).toBe(false);
    return pass(...args);
  } finally {
    registerWasmKernels(tf, FULL_WASM_KERNELS);
  }
}

/** max |a − b| / max |b|: the error relative to the values' scale (sums of mixed-sign terms). */
function normwise(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / Math.max(scale, Number.MIN_VALUE);
}

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('fused dense layer (InitScopeDense) on patched wasm', () => {
  it('is what the dense layer runs on wasm with the full kernel set, and not on cpu', async () => {
    expect(hasFusedDense(tf)).toBe(true);
    const profile = await tf.profile(() => {
      pass({ name: 'relu' }, [3, 5, 4, 2]);
    });
    const kernels = profile.kernels.map((k) => k.name);
    expect(kernels).toContain(DENSE_KERNEL);
    expect(kernels).toContain(DENSE_RELU_GRAD_KERNEL);
    expect(kernels, 'no separate bias add or relu').not.toContain('Relu');
    expect(await onCpu(tf, () => hasFusedDense(tf))).toBe(false);
    registerWasmKernels(tf, { ...FULL_WASM_KERNELS, gemm: false });
    expect(hasFusedDense(tf), 'a kernel set without the GEMM keeps the tf ops').toBe(false);
  });

  for (const a of ACTIVATIONS) {
    it(`${a.name}: output, pre-activation and gradients (x and every variable) equal the unfused wasm path bit for bit and cpu within 1e-5; frees everything`, async () => {
      for (const shape of SHAPES) {
        // The 784-wide shape only for relu, the activation the kernel applies itself (cpu takes seconds per pass).
        if (shape[1] === 784 && a.name !== 'relu') continue;
        const tensors = tf.memory().numTensors;
        const buffers = wasmBuffers(tf);
        const fused = pass(a, shape);
        expect(tf.memory().numTensors, 'tensors').toBe(tensors);
        expect(wasmBuffers(tf), 'wasm buffers').toBe(buffers);
        const unfused = unfusedPass(a, shape);
        const cpu = await onCpu(tf, () => pass(a, shape));
        const label = `${a.name} ${shape.join('×')}`;
        expect(same(fused.output, unfused.output), `${label} output bits`).toBe(true);
        expect(same(fused.pre, unfused.pre), `${label} pre-activation bits`).toBe(true);
        fused.grads.forEach((g, i) => expect(same(g, unfused.grads[i] as Float32Array), `${label} gradient ${i} bits`).toBe(true));
        expect(normwise(fused.output, cpu.output), `${label} output vs cpu`).toBeLessThan(1e-5);
        expect(normwise(fused.pre, cpu.pre), `${label} pre-activation vs cpu`).toBeLessThan(1e-5);
        fused.grads.forEach((g, i) => expect(normwise(g, cpu.grads[i] as Float32Array), `${label} gradient ${i} vs cpu`).toBeLessThan(1e-5));
      }
    });
  }

  it('without a bias: equals the unfused path bit for bit and cpu within 1e-5', async () => {
    const shape: [number, number, number, number] = [9, 17, 12, 6];
    const fused = pass({ name: 'relu' }, shape, false);
    const unfused = unfusedPass({ name: 'relu' }, shape, false);
    const cpu = await onCpu(tf, () => pass({ name: 'relu' }, shape, false));
    expect(fused.grads).toHaveLength(3);
    fused.grads.forEach((g, i) => {
      expect(same(g, unfused.grads[i] as Float32Array), `gradient ${i} bits`).toBe(true);
      expect(normwise(g, cpu.grads[i] as Float32Array), `gradient ${i} vs cpu`).toBeLessThan(1e-5);
    });
  });

  it('keeps NaN: a NaN pre-activation gives a NaN relu output (divergence stays visible)', () => {
    const y = tf.tidy(() => fusedDense(tf, tf.tensor2d([[7, 1, -1, 2, -3]]), tf.eye(5), tf.tensor1d([Number.NaN, 0, 0, 0, 0]), 'relu').dataSync());
    expect(Array.from(y)).toEqual([Number.NaN, 1, 0, 2, 0]);
  });

  it('rejects inputs that do not make a dense layer, naming the kernel', () => {
    const x = tf.zeros([2, 3]);
    const w = tf.zeros([4, 5]);
    expect(() => fusedDense(tf, x, w, null, 'relu')).toThrow(/InitScopeDense: shapes x \[2, 3\], w \[4, 5\]/);
    expect(() => tf.engine().runKernel(DENSE_KERNEL, { x, w: tf.zeros([3, 5]) }, { activation: 'tanh' })).toThrow(
      /attr 'activation' must be 'linear' or 'relu'/,
    );
    tf.dispose([x, w]);
  });
});
