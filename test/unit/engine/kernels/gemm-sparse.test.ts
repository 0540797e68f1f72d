import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkSpec } from '../../../../contract/index.js';
import { loadMnistDigits } from '../../../../engine/datasets/mnist.js';
import type { GemmOnHeap } from '../../../../engine/kernels/gemm-simd.js';
import { setSparseGemm, sparseGemmCalls } from '../../../../engine/kernels/gemm-sparse.js';
import { instantiateOn } from '../../../../engine/kernels/heap-module.js';
import { setNativeGemm } from '../../../../engine/kernels/native-gemm.js';
import type { TF } from '../../../../engine/tf.js';
import { values, wasmBuffers, wasmTf, weightBitsAfterSteps } from './backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});

/** `count` rows of 784 real MNIST pixels (digits of every class in turn). */
function mnistRows(count: number): Float32Array {
  const digits = loadMnistDigits();
  const out = new Float32Array(count * 784);
  for (let r = 0; r < count; r++) {
    const cls = r % 10;
    digits.copyDigit(cls, Math.floor(r / 10) % (digits.counts[cls] as number), out, r * 784);
  }
  return out;
}

/** Seeded values with a fraction `zeros` of them replaced by +0 or −0 (alternately). */
function withZeros(n: number, seed: number, zeros: number): Float32Array {
  const v = values(n, seed);
  const pick = values(n, seed + 99);
  let sign = 0;
  for (let i = 0; i < n; i++) if (((pick[i] as number) + 1) / 2 < zeros) v[i] = sign++ % 2 ? -0 : 0;
  return v;
}

/** The bits of a float32 array (so −0 ≠ +0 and NaN payloads count). */
const bits = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));

describe('zero-skipping gemm (gemm-sparse.wat)', () => {
  const memory = new WebAssembly.Memory({ initial: 512 });
  const dense = instantiateOn('gemm', memory) as Record<'gemm' | 'gemm_ta', GemmOnHeap>;
  const sparse = instantiateOn('gemm-sparse', memory) as Record<'gemm_sparse' | 'gemm_ta_sparse', GemmOnHeap> & {
    countNonzero(a: number, len: number): number;
  };
  const finiteCheck = instantiateOn('all-finite', memory) as { allFinite(p: number, n: number): number };

  /** Runs dense and sparse (both layouts) on a, b and expects the same bits; returns the dense C. */
  function expectSameBits(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
    const heap = new Float32Array(memory.buffer);
    const aAt = 16,
      bAt = aAt + m * k + 8,
      cAt = bAt + k * n + 8,
      c2At = cAt + m * n + 8,
      sAt = c2At + m * n + 8;
    expect(sAt + 2 * k).toBeLessThan(heap.length);
    heap.set(b, bAt);
    for (const transposeA of [false, true]) {
      // A as [m, k], or its transpose [k, m] for gemm_ta (the same matrix A).
      const stored = transposeA ? new Float32Array(m * k) : a;
      if (transposeA) for (let i = 0; i < m; i++) for (let q = 0; q < k; q++) stored[q * m + i] = a[i * k + q] as number;
      heap.set(stored, aAt);
      heap.fill(7, cAt, c2At + m * n); // stale C: neither kernel may read it
      (transposeA ? dense.gemm_ta : dense.gemm)(aAt * 4, bAt * 4, cAt * 4, m, k, n, 0);
      (transposeA ? sparse.gemm_ta_sparse : sparse.gemm_sparse)(aAt * 4, bAt * 4, c2At * 4, m, k, n, sAt * 4);
      const c = heap.slice(cAt, cAt + m * n);
      expect(bits(heap.slice(c2At, c2At + m * n)), `[${m},${k}]·[${k},${n}] transposeA=${transposeA}`).toEqual(bits(c));
    }
    return heap.slice(cAt, cAt + m * n);
  }

  it('gives the dense bits on random matrices with +0 and −0 injected, every edge size, both layouts', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [1, 1, 5],
      [5, 1, 7],
      [7, 13, 5],
      [3, 6, 3],
      [9, 17, 12],
      [2, 5, 33],
      [1, 784, 256],
      [33, 784, 257],
      [13, 31, 23],
      [4, 9, 61],
      [2, 3, 3],
      [3, 70, 95],
      [6, 40, 2],
    ];
    for (const [m, k, n] of shapes)
      for (const zeros of [0, 0.5, 0.95, 1]) {
        const c = expectSameBits(withZeros(m * k, m * 31 + k, zeros), values(k * n, n * 7 + 3), m, k, n);
        // Not vacuous: an all-zero A gives +0 everywhere (never −0), a dense one a nonzero product.
        if (zeros === 1) expect(bits(c).every((x) => x === 0)).toBe(true);
        if (zeros === 0) expect(c.some((x) => x !== 0)).toBe(true);
      }
  });

  it('gives the dense bits on real MNIST digits (forward X·W and dW = Xᵀ·dZ)', () => {
    const x = mnistRows(37);
    expect(x.filter((v) => v === 0).length / x.length).toBeGreaterThan(0.6); // digits are mostly background
    expectSameBits(x, values(784 * 29, 5), 37, 784, 29); // X·W
    const xt = new Float32Array(784 * 37);
    for (let r = 0; r < 37; r++) for (let p = 0; p < 784; p++) xt[p * 37 + r] = x[r * 784 + p] as number;
    expectSameBits(xt, withZeros(37 * 19, 8, 0.3), 784, 37, 19); // Xᵀ·dZ (dZ with relu zeros)
  });

  it('counts nonzeros (NaN counts, ±0 not) and finds non-finite values', () => {
    const heap = new Float32Array(memory.buffer);
    const v = Float32Array.from([0, -0, 1, NaN, -0, 2e-45, 0, 3, 0]);
    heap.set(v, 100);
    for (let len = 0; len <= v.length; len++) expect(sparse.countNonzero(400, len)).toBe(v.subarray(0, len).filter((x) => x !== 0).length);
    heap.set([1, 2, 3, 4, 5, 6, 3.4e38], 200);
    expect(finiteCheck.allFinite(800, 7)).toBe(1);
    for (const bad of [Infinity, -Infinity, NaN])
      for (const at of [0, 5, 6]) {
        heap.set([1, 2, 3, 4, 5, 6, 7], 200);
        heap[200 + at] = bad;
        expect(finiteCheck.allFinite(800, 7), `${bad} at ${at}`).toBe(0);
      }
  });
});

describe('zero-skipping path through tf.matMul and a training step', () => {
  // Beside the native GEMM the sparse path runs only below 10 % nonzero (native-gemm.test.ts checks
  // that choice); these tests check the wasm choice at MNIST's 19 %.
  let nativeBefore = true;
  beforeAll(() => {
    nativeBefore = setNativeGemm(false);
  });
  afterAll(() => {
    setNativeGemm(nativeBefore);
  });
  /** tf.matMul(a, b) bits with the sparse path on or off; fresh tensors (the GEMM runs on new B only). */
  function matMulBits(on: boolean, a: Float32Array, b: Float32Array, shapeA: [number, number], shapeB: [number, number], transposeA: boolean): Uint32Array {
    const previous = setSparseGemm(on);
    try {
      const product = tf.tidy(() => tf.matMul(tf.tensor(a, shapeA), tf.tensor(b, shapeB), transposeA));
      const out = bits(product.dataSync() as Float32Array);
      product.dispose();
      return out;
    } finally {
      setSparseGemm(previous);
    }
  }

  it('chooses sparse on MNIST, dense on dense data and on non-finite B (giving the dense NaN), with the same bits and no leak', () => {
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers(tf);
    const x = mnistRows(20);
    const w = values(784 * 37, 3);
    const before = { ...sparseGemmCalls };
    expect(matMulBits(true, x, w, [20, 784], [784, 37], false)).toEqual(matMulBits(false, x, w, [20, 784], [784, 37], false));
    expect(sparseGemmCalls.sparse).toBe(before.sparse + 1);
    const dz = values(20 * 37, 4);
    expect(matMulBits(true, x, dz, [20, 784], [20, 37], true)).toEqual(matMulBits(false, x, dz, [20, 784], [20, 37], true));
    expect(sparseGemmCalls.sparse).toBe(before.sparse + 2);
    const narrow = values(784 * 12, 5);
    expect(matMulBits(true, x, narrow, [20, 784], [784, 12], false)).toEqual(matMulBits(false, x, narrow, [20, 784], [784, 12], false));
    expect(sparseGemmCalls.sparse).toBe(before.sparse + 2); // 12 < SPARSE_MIN_COLUMNS columns: dense
    const denseA = values(20 * 784, 9);
    expect(matMulBits(true, denseA, w, [20, 784], [784, 37], false)).toEqual(matMulBits(false, denseA, w, [20, 784], [784, 37], false));
    expect(sparseGemmCalls.sparse).toBe(before.sparse + 2); // density 1: dense
    const wInf = w.slice();
    wInf[0] = Infinity; // row 0 of B meets A's zero background pixel 0: 0·Inf = NaN in the dense sum
    const on = matMulBits(true, x, wInf, [20, 784], [784, 37], false);
    expect(sparseGemmCalls.sparse).toBe(before.sparse + 2); // non-finite B: dense
    expect(on).toEqual(matMulBits(false, x, wInf, [20, 784], [784, 37], false));
    expect(Number.isNaN(new Float32Array(on.buffer)[0])).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers(tf)).toBe(buffers);
  });

  /** Weights after `steps` Adam steps of a 784-32-10 MLP on MNIST batches, sparse path on or off. */
  async function trainedWeights(on: boolean, steps: number): Promise<Uint32Array[]> {
    const previous = setSparseGemm(on);
    const network = NetworkSpec.parse({
      inputShape: [784],
      layers: [
        { type: 'dense', units: 32, activation: { name: 'relu' } },
        { type: 'dense', units: 10, activation: { name: 'softmax' } },
      ],
    });
    const batch = 30;
    const rows = mnistRows(batch * steps);
    try {
      return await weightBitsAfterSteps(
        tf,
        network,
        11,
        steps,
        (i) => ({ x: rows.slice(i * batch * 784, (i + 1) * batch * 784), y: Int32Array.from({ length: batch }, (_, r) => (i * batch + r) % 10) }),
        100,
      );
    } finally {
      setSparseGemm(previous);
    }
  }

  it('trains an MLP on MNIST to the same weight bits with the path on and off', async () => {
    const tensors = tf.memory().numTensors;
    const calls = sparseGemmCalls.sparse;
    const on = await trainedWeights(true, 5);
    expect(sparseGemmCalls.sparse).toBeGreaterThan(calls); // the path ran
    const callsOn = sparseGemmCalls.sparse;
    const off = await trainedWeights(false, 5);
    expect(sparseGemmCalls.sparse).toBe(callsOn);
    expect(on).toEqual(off);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
