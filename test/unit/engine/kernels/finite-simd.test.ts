import { beforeAll, describe, expect, it } from 'vitest';
import { allFiniteOnHeap } from '../../../../engine/kernels/finite-simd.js';
import { FULL_WASM_KERNELS, registerWasmKernels, STOCK_WASM_KERNELS } from '../../../../engine/kernels/index.js';
import type { TF } from '../../../../engine/tf.js';
import { onCpu, values, wasmBuffers, wasmTf } from './backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});

/** The tf-op answer: all(isFinite(x)). */
const byOps = (x: Float32Array) => tf.tidy(() => tf.all(tf.isFinite(tf.tensor1d(x))).dataSync()[0] === 1);

describe('allFiniteOnHeap (engine/kernels/finite-simd.ts)', () => {
  it('finds one NaN or ±Infinity at every position (SIMD groups and the scalar tail), and accepts every finite extreme', () => {
    const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const finite = [3.4028234663852886e38, -3.4028234663852886e38, 1.4e-45, -0, 0];
    for (const n of [1, 3, 4, 5, 8, 13, 64, 1027]) {
      const clean = values(n, n);
      finite.forEach((v, i) => (clean[i % n] = v));
      const tensors = [tf.tensor1d(clean)];
      for (const position of [0, n >> 1, n - 1]) {
        for (const special of specials) {
          const bad = clean.slice();
          bad[position] = special;
          tensors.push(tf.tensor1d(bad));
        }
      }
      const got = allFiniteOnHeap(tf, tensors);
      expect(got, `n = ${n}`).toEqual(tensors.map((t) => byOps(t.dataSync() as Float32Array)));
      expect(got?.[0]).toBe(true);
      expect(got?.slice(1).every((x) => x === false)).toBe(true);
      tf.dispose(tensors);
    }
  });

  it('reads 2-D gradients where they lie, counts a missing one as finite, and allocates nothing', () => {
    const buffers = wasmBuffers(tf);
    const w = tf.tensor2d(values(784 * 256, 3), [784, 256]);
    const b = tf.tensor1d(Float32Array.of(1, Number.NaN));
    const before = wasmBuffers(tf);
    expect(allFiniteOnHeap(tf, [w, null, undefined, b])).toEqual([true, true, true, false]);
    expect(wasmBuffers(tf)).toBe(before);
    tf.dispose([w, b]);
    expect(wasmBuffers(tf)).toBe(buffers);
  });

  it('gives null (the caller checks with tf ops) off wasm, with the stock kernels and for a non-float32 tensor', async () => {
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(allFiniteOnHeap(tf, [ints])).toBeNull();
    ints.dispose();
    const x = tf.tensor1d([1, 2]);
    registerWasmKernels(tf, STOCK_WASM_KERNELS);
    try {
      expect(allFiniteOnHeap(tf, [x])).toBeNull();
    } finally {
      registerWasmKernels(tf, FULL_WASM_KERNELS);
    }
    expect(allFiniteOnHeap(tf, [x])).toEqual([true]);
    x.dispose();
    expect(
      await onCpu(tf, () => {
        const t = tf.tensor1d([1, 2]);
        try {
          return allFiniteOnHeap(tf, [t]);
        } finally {
          t.dispose();
        }
      }),
    ).toBeNull();
  });
});
