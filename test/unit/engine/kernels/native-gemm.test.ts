import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { NetworkSpec } from '../../../../contract/index.js';
import type { GemmOnHeap } from '../../../../engine/kernels/gemm-simd.js';
import { sparseGemmCalls } from '../../../../engine/kernels/gemm-sparse.js';
import { instantiateOn } from '../../../../engine/kernels/heap-module.js';
import {
  NATIVE_MIN_COLUMNS,
  nativeGemmCalls,
  nativeGemmOnMemory,
  nativeGemmStatus,
  setNativeGemm,
  type NativeVariant,
} from '../../../../engine/kernels/native-gemm.js';
import type { TF } from '../../../../engine/tf.js';
import { values, wasmBuffers, wasmTf, weightBitsAfterSteps } from './backend-pair.js';

/** The bits of a float32 array (so −0 ≠ +0). */
const bits = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));

/** Whether this machine can build the addon: a C compiler on PATH (the build runs in `npm run build:node`). */
const compilerPresent = ['cc', 'gcc', 'clang'].some((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);

describe('native GEMM addon (native/gemm.c)', () => {
  it('is built and loads wherever a C compiler exists (else the engine runs on wasm and says why)', () => {
    const status = nativeGemmStatus();
    if (compilerPresent) expect(status).toEqual({ available: true, reason: '' });
    else expect(status.reason).not.toBe('');
  });

  const memory = new WebAssembly.Memory({ initial: 600 });
  const wasm = instantiateOn('gemm', memory) as Partial<Record<NativeVariant, GemmOnHeap>>; // the dense four
  const variants: NativeVariant[] = ['gemm', 'gemm_ta', 'gemm_tb', 'gemm_tab'];

  /** Runs the wasm kernel (dense variants only; else C stays NaN) and the addon on the same operands (offsets not 64-byte aligned); returns both Cs. */
  function both(variant: NativeVariant, a: Float32Array, b: Float32Array, m: number, k: number, n: number): [Float32Array, Float32Array] {
    const native = nativeGemmOnMemory(memory, variant)!;
    const heap = new Float32Array(memory.buffer);
    const aAt = 3,
      bAt = aAt + m * k + 5,
      cAt = bAt + k * n + 7,
      c2At = cAt + m * n + 1,
      sAt = c2At + m * n + 3;
    expect(sAt + 8 * k).toBeLessThan(heap.length);
    heap.set(a, aAt);
    heap.set(b, bAt);
    heap.fill(NaN, cAt, sAt); // C is written, never read
    wasm[variant]?.(aAt * 4, bAt * 4, cAt * 4, m, k, n, sAt * 4);
    native(aAt * 4, bAt * 4, c2At * 4, m, k, n, 0);
    return [heap.slice(cAt, cAt + m * n), heap.slice(c2At, c2At + m * n)];
  }

  it.skipIf(!nativeGemmStatus().available)('gives gemm.wat’s bits for every variant and edge size', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [2, 3, 4],
      [5, 7, 3],
      [4, 1, 33],
      [9, 17, 15],
      [3, 29, 16],
      [7, 8, 31],
      [33, 61, 95],
      [6, 5, 47],
      [128, 784, 256],
      [128, 256, 10],
      [64, 128, 784],
    ];
    let seed = 1;
    for (const [m, k, n] of shapes)
      for (const variant of variants) {
        const a = values(m * k, seed++);
        const b = values(k * n, seed++);
        const [expected, actual] = both(variant, a, b, m, k, n);
        expect(bits(actual), `${variant} [${m},${k}]·[${k},${n}]`).toEqual(bits(expected));
      }
  });

  it.skipIf(!nativeGemmStatus().available)('keeps −0, subnormals, overflow to ±Inf and NaN where the wasm kernel has them', () => {
    const [m, k, n] = [6, 9, 37];
    const a = values(m * k, 41).map((v, i) => (i % 7 === 0 ? -0 : i % 11 === 0 ? v * 1e-39 : v * 1e20));
    const b = values(k * n, 42).map((v, i) => (i % 5 === 0 ? -0 : i % 13 === 0 ? v * 1e-30 : v * 1e19));
    b[3] = Infinity;
    b[n + 4] = -Infinity;
    a[2] = NaN;
    for (const variant of variants) {
      const [expected, actual] = both(variant, a, b, m, k, n);
      for (let i = 0; i < m * n; i++) {
        if (Number.isNaN(expected[i])) expect(Number.isNaN(actual[i]), `${variant} element ${i}`).toBe(true);
        else expect(bits(actual.subarray(i, i + 1))[0], `${variant} element ${i}`).toBe(bits(expected.subarray(i, i + 1))[0]);
      }
      expect(expected.some((v) => Number.isNaN(v))).toBe(true);
      expect(expected.some((v) => v === Infinity || v === -Infinity)).toBe(true);
    }
  });

  it.skipIf(!nativeGemmStatus().available)('skips ±0 terms of A natively (gemm and gemm_ta) with the dense bits, keeping NaN', () => {
    let seed = 300;
    for (const [m, k, n] of [
      [1, 1, 1],
      [5, 33, 37],
      [9, 50, 64],
      [20, 784, 40],
      [3, 17, 100],
    ] as [number, number, number][])
      for (const zeros of [0, 0.5, 0.95, 1])
        for (const [dense, sparse] of [
          ['gemm', 'gemm_sparse'],
          ['gemm_ta', 'gemm_ta_sparse'],
        ] as const) {
          const a = values(m * k, seed++).map((v, i) => ((i * 37) % 100 < zeros * 100 ? (i % 3 ? 0 : -0) : v));
          if (zeros === 0.5 && m * k > 3) a[2] = NaN;
          const b = values(k * n, seed++);
          const [expected] = both(dense, a, b, m, k, n);
          const [, actual] = both(sparse, a, b, m, k, n);
          for (let i = 0; i < m * n; i++)
            if (Number.isNaN(expected[i])) expect(Number.isNaN(actual[i])).toBe(true);
            else
              expect(bits(actual.subarray(i, i + 1))[0], `${sparse} [${m},${k}]·[${k},${n}] zeros ${zeros} element ${i}`).toBe(
                bits(expected.subarray(i, i + 1))[0],
              );
        }
  });

  it.skipIf(!nativeGemmStatus().available)('refuses operands outside the heap or a wrong variant, writing nothing', () => {
    const gemm = nativeGemmOnMemory(memory, 'gemm')!;
    const heap = new Float32Array(memory.buffer);
    heap.fill(7, 0, 16);
    expect(() => gemm(0, 0, memory.buffer.byteLength - 8, 4, 4, 4, 0)).toThrow(/outside the heap/);
    expect(() => gemm(2, 0, 64, 2, 2, 2, 0)).toThrow(/not 4-byte aligned/);
    expect(Array.from(heap.subarray(0, 16))).toEqual(new Array(16).fill(7));
  });
});

describe('native GEMM through tf.matMul and training', () => {
  let tf: TF;
  beforeAll(async () => {
    tf = await wasmTf();
  });

  /** tf.matMul bits with the native path on or off (fresh tensors). */
  function matMulBits(
    on: boolean,
    a: Float32Array,
    b: Float32Array,
    shapeA: [number, number],
    shapeB: [number, number],
    ta: boolean,
    tb: boolean,
  ): Uint32Array {
    const previous = setNativeGemm(on);
    try {
      const product = tf.tidy(() => tf.matMul(tf.tensor(a, shapeA), tf.tensor(b, shapeB), ta, tb));
      const out = bits(product.dataSync() as Float32Array);
      product.dispose();
      return out;
    } finally {
      setNativeGemm(previous);
    }
  }

  it.skipIf(!nativeGemmStatus().available)('runs natively for wide outputs, on wasm for narrow ones, with the same bits and no leak', () => {
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers(tf);
    const before = { ...nativeGemmCalls };
    const x = values(24 * 100, 1);
    const w = values(100 * 40, 2);
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const shapeA: [number, number] = ta ? [100, 24] : [24, 100];
      const shapeB: [number, number] = tb ? [40, 100] : [100, 40];
      expect(matMulBits(true, x, w, shapeA, shapeB, ta, tb)).toEqual(matMulBits(false, x, w, shapeA, shapeB, ta, tb));
    }
    expect(nativeGemmCalls.native).toBe(before.native + 4);
    const narrow = values(100 * (NATIVE_MIN_COLUMNS - 1), 3);
    const callsBefore = nativeGemmCalls.native;
    matMulBits(true, x, narrow, [24, 100], [100, NATIVE_MIN_COLUMNS - 1], false, false);
    expect(nativeGemmCalls.native).toBe(callsBefore);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers(tf)).toBe(buffers);
  });

  it.skipIf(!nativeGemmStatus().available)('goes zero-skipping below 20 % nonzero beside the native path (30 % without), natively, with the same bits', () => {
    const w = values(784 * 40, 9);
    const withDensity = (density: number, seed: number) => values(20 * 784, seed).map((v, i) => ((i * 7919) % 100 < density * 100 ? v : i % 2 ? -0 : 0));
    const quarter = withDensity(0.25, 8);
    const few = withDensity(0.04, 10);
    const at = () => ({ sparse: sparseGemmCalls.sparse, native: nativeGemmCalls.native });
    let before = at();
    const onQuarter = matMulBits(true, quarter, w, [20, 784], [784, 40], false, false);
    expect(at()).toEqual({ sparse: before.sparse, native: before.native + 1 }); // dense, natively
    before = at();
    expect(matMulBits(false, quarter, w, [20, 784], [784, 40], false, false)).toEqual(onQuarter);
    expect(at()).toEqual({ sparse: before.sparse + 1, native: before.native }); // wasm's 30 % threshold: sparse, on wasm
    before = at();
    const onFew = matMulBits(true, few, w, [20, 784], [784, 40], false, false);
    expect(at()).toEqual({ sparse: before.sparse + 1, native: before.native + 1 }); // sparse, natively
    expect(matMulBits(false, few, w, [20, 784], [784, 40], false, false)).toEqual(onFew);
    const fewT = withDensity(0.04, 12); // stored [784, 20]: the A of Aᵀ·B
    const dz = values(784 * 40, 13);
    before = at();
    const onT = matMulBits(true, fewT, dz, [784, 20], [784, 40], true, false);
    expect(at()).toEqual({ sparse: before.sparse + 1, native: before.native + 1 });
    expect(matMulBits(false, fewT, dz, [784, 20], [784, 40], true, false)).toEqual(onT);
  });

  /** Weights after `steps` Adam steps of a 64-48-32-10 relu/tanh MLP on random data, native path on or off. */
  async function trainedWeights(on: boolean, steps: number): Promise<Uint32Array[]> {
    const previous = setNativeGemm(on);
    const network = NetworkSpec.parse({
      inputShape: [64],
      layers: [
        { type: 'dense', units: 48, activation: { name: 'relu' } },
        { type: 'dense', units: 32, activation: { name: 'tanh' } },
        { type: 'dense', units: 10, activation: { name: 'softmax' } },
      ],
    });
    const batch = 40;
    try {
      return await weightBitsAfterSteps(
        tf,
        network,
        5,
        steps,
        (i) => ({ x: values(batch * 64, 200 + i), y: Int32Array.from({ length: batch }, (_, r) => (i * 7 + r) % 10) }),
        300,
      );
    } finally {
      setNativeGemm(previous);
    }
  }

  it.skipIf(!nativeGemmStatus().available)('trains an MLP to the same weight bits with the path on and off', async () => {
    const tensors = tf.memory().numTensors;
    const calls = nativeGemmCalls.native;
    const on = await trainedWeights(true, 6);
    expect(nativeGemmCalls.native).toBeGreaterThan(calls); // the path ran
    const callsOn = nativeGemmCalls.native;
    const off = await trainedWeights(false, 6);
    expect(nativeGemmCalls.native).toBe(callsOn);
    expect(on).toEqual(off);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
