import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshOperandGemm } from '../../../../engine/kernels/batch-matmul.js';
import { gemmForBackend, gemmScratchLength, gemmViews, type GemmOnHeap } from '../../../../engine/kernels/gemm-simd.js';
import { instantiateOn } from '../../../../engine/kernels/heap-module.js';
import { FULL_WASM_KERNELS, registerWasmKernels } from '../../../../engine/kernels/index.js';
import type { Tensor, TF } from '../../../../engine/tf.js';
import { maxRelError, onCpu, values, wasmBuffers, wasmTf } from './backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});
afterEach(() => registerWasmKernels(tf, FULL_WASM_KERNELS));

/** The full kernel set without the fresh-operand GEMM. */
const WITHOUT_GEMM = { ...FULL_WASM_KERNELS, gemm: false };

/** [m, k, n] triples: degenerate, odd, every edge path (row and column remainders, N < 4), the MLP's forward and backward shapes. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [5, 1, 7],
  [3, 6, 3],
  [6, 2, 4],
  [9, 17, 12],
  [2, 5, 33],
  [1, 784, 256],
  [33, 784, 257],
  [128, 784, 256],
  [128, 256, 128],
  [128, 128, 10],
  [784, 32, 256],
  [32, 10, 128],
];

/** A·B in float64, row-major: the independent reference. */
function referenceProduct(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) c[i * n + j] = (c[i * n + j] as number) + (a[i * k + q] as number) * (b[q * n + j] as number);
  return c;
}

/**
 * max |a − b| / max |b|: the error relative to the product's scale. Element-wise relative error is
 * no measure for dot products of mixed-sign terms (a sum near zero keeps the rounding of its large
 * terms): over K = 784, stock wasm (XNNPACK) and cpu differ element-wise by 1.5e-5 because they
 * sum in different orders, normwise by < 1e-6.
 */
function normwiseRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / Math.max(scale, Number.MIN_VALUE);
}

/** tf.matMul(a, b, ta, tb) of seeded operands (a fresh B on each call) as a flat array. */
function product(m: number, k: number, n: number, ta = false, tb = false): Float32Array {
  return tf.tidy(() => {
    const a = tf.tensor(values(m * k, 3 + m), ta ? [k, m] : [m, k]);
    const b = tf.tensor(values(k * n, 5 + n), tb ? [n, k] : [k, n]);
    return tf.matMul(a as never, b as never, ta, tb).dataSync() as Float32Array;
  });
}

describe('SIMD GEMM module', () => {
  it('multiplies on a plain WebAssembly memory like a float64 reference, on every edge path of the 4×8 micro-kernel', () => {
    const memory = new WebAssembly.Memory({ initial: 64 });
    const gemm = instantiateOn('gemm', memory).gemm as GemmOnHeap;
    for (const [m, k, n] of SHAPES.slice(0, 7)) {
      // Odd byte offsets of whole floats, so nothing is 16-byte aligned.
      const a = new Float32Array(memory.buffer, 4, m * k);
      const b = new Float32Array(memory.buffer, 4 + a.byteLength + 12, k * n);
      const c = new Float32Array(memory.buffer, b.byteOffset + b.byteLength + 20, m * n + 1);
      a.set(values(a.length, 1));
      b.set(values(b.length, 2));
      c.fill(Number.NaN);
      gemmViews(gemm, a, b, c.subarray(0, m * n), m, k, n);
      expect(maxRelError(c.subarray(0, m * n), referenceProduct(a, b, m, k, n)), `${m}×${k}×${n}`).toBeLessThan(1e-6);
      expect(c[m * n], 'writes nothing past C').toBeNaN();
    }
  });

  it('gemm_ta reads A stored transposed ([k, m]) and gives the bits gemm gives on its explicit transpose', () => {
    const memory = new WebAssembly.Memory({ initial: 256 });
    const { gemm, gemm_ta: gemmTa } = instantiateOn('gemm', memory) as { gemm: GemmOnHeap; gemm_ta: GemmOnHeap };
    for (const [m, k, n] of SHAPES.slice(0, 11)) {
      const at = new Float32Array(memory.buffer, 4, k * m);
      const a = new Float32Array(memory.buffer, at.byteOffset + at.byteLength + 4, m * k);
      const b = new Float32Array(memory.buffer, a.byteOffset + a.byteLength + 8, k * n);
      const c1 = new Float32Array(memory.buffer, b.byteOffset + b.byteLength + 12, m * n + 1);
      const c2 = new Float32Array(memory.buffer, c1.byteOffset + c1.byteLength + 4, m * n + 1);
      at.set(values(at.length, 7 + m));
      for (let i = 0; i < m; i++) for (let q = 0; q < k; q++) a[i * k + q] = at[q * m + i] as number;
      b.set(values(b.length, 9 + n));
      c1.fill(Number.NaN);
      c2.fill(Number.NaN);
      gemmViews(gemm, a, b, c1.subarray(0, m * n), m, k, n);
      gemmViews(gemmTa, at, b, c2.subarray(0, m * n), m, k, n);
      expect(Buffer.from(c2.slice(0, m * n).buffer).equals(Buffer.from(c1.slice(0, m * n).buffer)), `${m}×${k}×${n} bit-identical`).toBe(true);
      expect(normwiseRelError(c2.subarray(0, m * n), referenceProduct(a, b, m, k, n)), `${m}×${k}×${n}`).toBeLessThan(1e-6);
      expect(c2[m * n], 'writes nothing past C').toBeNaN();
    }
  });

  it('gemm_tb, gemm_tab read B stored transposed ([n, k]) and give the bits gemm gives on the explicit transposes, on every edge path', () => {
    const memory = new WebAssembly.Memory({ initial: 512 });
    const variants = instantiateOn('gemm', memory) as Record<'gemm' | 'gemm_tb' | 'gemm_tab', GemmOnHeap>;
    for (const [m, k, n] of SHAPES.slice(0, 12)) {
      const view = (offset: number, length: number) => new Float32Array(memory.buffer, offset, length);
      // Odd whole-float offsets, so nothing is 16-byte aligned; each view starts after the last one.
      let next = 4;
      const take = (length: number) => {
        const v = view(next, length);
        next += v.byteLength + 4;
        return v;
      };
      const a = take(m * k);
      const at = take(k * m);
      const b = take(k * n);
      const bt = take(n * k);
      const scratch = take(gemmScratchLength(k));
      const cs = [take(m * n + 1), take(m * n + 1), take(m * n + 1)];
      a.set(values(a.length, 41 + m));
      for (let i = 0; i < m; i++) for (let q = 0; q < k; q++) at[q * m + i] = a[i * k + q] as number;
      bt.set(values(bt.length, 43 + n));
      for (let j = 0; j < n; j++) for (let q = 0; q < k; q++) b[q * n + j] = bt[j * k + q] as number;
      for (const c of cs) c.fill(Number.NaN);
      const [c1, c2, c3] = cs as [Float32Array, Float32Array, Float32Array];
      gemmViews(variants.gemm, a, b, c1.subarray(0, m * n), m, k, n);
      gemmViews(variants.gemm_tb, a, bt, c2.subarray(0, m * n), m, k, n, scratch);
      gemmViews(variants.gemm_tab, at, bt, c3.subarray(0, m * n), m, k, n, scratch);
      const bits = (c: Float32Array) => Buffer.from(c.slice(0, m * n).buffer);
      expect(bits(c2).equals(bits(c1)), `gemm_tb ${m}×${k}×${n} bit-identical`).toBe(true);
      expect(bits(c3).equals(bits(c1)), `gemm_tab ${m}×${k}×${n} bit-identical`).toBe(true);
      // Float32 dot products of k terms: a few ulps times √k relative to the scale (1.2e-6 seen at k = 784).
      expect(normwiseRelError(c2.subarray(0, m * n), referenceProduct(a, b, m, k, n)), `${m}×${k}×${n}`).toBeLessThan(4e-6);
      for (const c of cs) expect(c[m * n], 'writes nothing past C').toBeNaN();
    }
  });

  it('a transposed-B variant refuses to run without scratch, or with too little', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const view = (n: number) => new Float32Array(memory.buffer, 0, n);
    const backend = { wasm: { asm: { memory } } };
    const gemmTb = gemmForBackend(backend, { transposeA: false, transposeB: true }) as GemmOnHeap;
    expect(() => gemmViews(gemmTb, view(6), view(6), view(4), 2, 3, 2)).toThrow(/needs a scratch/);
    expect(() => gemmViews(gemmTb, view(6), view(6), view(4), 2, 3, 2, view(23))).toThrow(/scratch of 23 floats, need 24/);
  });

  it('rejects views that do not match the sizes', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const gemm = instantiateOn('gemm', memory).gemm as GemmOnHeap;
    const view = (n: number) => new Float32Array(memory.buffer, 0, n);
    expect(() => gemmViews(gemm, view(6), view(6), view(4), 2, 3, 2)).not.toThrow();
    expect(() => gemmViews(gemm, view(6), view(5), view(4), 2, 3, 2)).toThrow(/do not match \[2,3\]·\[3,2\]/);
    expect(() => gemmViews(gemm, new Float32Array(6), view(6), view(4), 2, 3, 2)).toThrow(/same wasm heap/);
  });

  it('instantiates on the tfjs wasm heap; a backend without one gives null', () => {
    expect(gemmForBackend(tf.backend())).toBeTypeOf('function');
    expect(gemmForBackend({})).toBeNull();
  });
});

describe('BatchMatMul with the SIMD GEMM for fresh operands', () => {
  it('matches the cpu backend within 1e-5 (normwise relative) and stock XNNPACK within 1e-6 for every shape, and frees everything', async () => {
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers(tf);
    const wasm = SHAPES.map(([m, k, n]) => product(m, k, n));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers(tf)).toBe(buffers);
    registerWasmKernels(tf, WITHOUT_GEMM);
    const stock = SHAPES.map(([m, k, n]) => product(m, k, n));
    registerWasmKernels(tf, FULL_WASM_KERNELS);
    const cpu = await onCpu(tf, () => SHAPES.map(([m, k, n]) => product(m, k, n)));
    SHAPES.forEach(([m, k, n], i) => {
      expect(wasm[i]?.length).toBe(m * n);
      expect(normwiseRelError(wasm[i] as Float32Array, cpu[i] as Float32Array), `${m}×${k}×${n} vs cpu`).toBeLessThan(1e-5);
      expect(maxRelError(wasm[i] as Float32Array, stock[i] as Float32Array), `${m}×${k}×${n} vs stock wasm`).toBeLessThan(1e-6);
    });
  });

  it('transposed operands (explicit transposes, then the GEMM) match cpu, 2-D and [1, m, k]', async () => {
    const cases: [boolean, boolean][] = [
      [true, false],
      [false, true],
      [true, true],
    ];
    const run = () => [
      ...cases.map(([ta, tb]) => product(33, 70, 21, ta, tb)),
      tf.tidy(() => tf.matMul(tf.tensor(values(2 * 9, 8), [1, 9, 2]), tf.tensor(values(9 * 6, 9), [1, 6, 9]), true, true).dataSync() as Float32Array),
    ];
    const buffers = wasmBuffers(tf);
    const wasm = run();
    expect(wasmBuffers(tf)).toBe(buffers);
    const cpu = await onCpu(tf, run);
    wasm.forEach((w, i) => expect(normwiseRelError(w, cpu[i] as Float32Array), `case ${i}`).toBeLessThan(1e-5));
  });

  it("a transposed A multiplies in place with the bits of the explicit transpose (a dense layer's dW = Xᵀ·dY, as before gemm_ta)", () => {
    for (const [m, k, n] of [
      [784, 128, 256],
      [256, 128, 128],
      [33, 70, 21],
      [5, 3, 2],
    ] as const) {
      const [inPlace, explicit] = tf.tidy(() => {
        const at = tf.tensor(values(k * m, 31 + m), [k, m]);
        // Fresh B tensors, so that both products take the GEMM (a B seen before goes to XNNPACK).
        const b1 = tf.tensor(values(k * n, 37 + n), [k, n]);
        const b2 = tf.tensor(values(k * n, 37 + n), [k, n]);
        return [tf.matMul(at, b1, true, false).dataSync() as Float32Array, tf.matMul(tf.transpose(at), b2).dataSync() as Float32Array];
      });
      expect(Buffer.from(inPlace.buffer).equals(Buffer.from(explicit.buffer)), `${m}×${k}×${n}`).toBe(true);
    }
  });

  it("a transposed B multiplies in place with the bits of the explicit transpose (a dense layer's dX = dY·Wᵀ), also with A transposed", () => {
    for (const [m, k, n] of [
      [128, 128, 256],
      [128, 10, 128],
      [33, 70, 21],
      [1, 9, 3],
      [5, 3, 2],
    ] as const) {
      for (const ta of [false, true]) {
        const [inPlace, explicit] = tf.tidy(() => {
          const a = tf.tensor(values(m * k, 51 + m), ta ? [k, m] : [m, k]);
          const bt = tf.tensor(values(n * k, 53 + n), [n, k]);
          // The explicit transpose is a fresh B, so the second product takes the GEMM too.
          return [tf.matMul(a, bt, ta, true).dataSync() as Float32Array, tf.matMul(a, tf.transpose(bt), ta, false).dataSync() as Float32Array];
        });
        expect(Buffer.from(inPlace.buffer).equals(Buffer.from(explicit.buffer)), `${m}×${k}×${n} transposeA ${ta}`).toBe(true);
      }
    }
  });

  it('gradients of a small dense net (784-32-10, relu) match cpu', async () => {
    const grads = () =>
      tf.tidy(() => {
        const x = tf.tensor(values(17 * 784, 21), [17, 784]);
        const w1 = tf.tensor(values(784 * 32, 22), [784, 32]);
        const w2 = tf.tensor(values(32 * 10, 23), [32, 10]);
        const weights = tf.tensor(values(17 * 10, 24), [17, 10]);
        const f = (xx: Tensor, a: Tensor, b: Tensor) => tf.sum(tf.mul(tf.matMul(tf.relu(tf.matMul(xx as never, a as never)), b as never), weights));
        return tf
          .grads(f)([x, w1, w2])
          .map((g) => g.dataSync() as Float32Array);
      });
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers(tf);
    const wasm = grads();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers(tf)).toBe(buffers);
    const cpu = await onCpu(tf, grads);
    wasm.forEach((g, i) => expect(normwiseRelError(g, cpu[i] as Float32Array), `gradient ${i}`).toBeLessThan(1e-5));
  });
});

describe('freshOperandGemm dispatch', () => {
  /** The wrapper around a `next` that counts its calls and runs the registered kernel. */
  function dispatcher() {
    const registered = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc as KernelFunc;
    const calls = { next: 0 };
    const kernelOf = (name: string) => tf.getKernel(name, 'wasm')?.kernelFunc as KernelFunc;
    const wrapped = freshOperandGemm((args) => {
      calls.next++;
      return registered(args);
    }, kernelOf);
    const backend = tf.backend();
    /** Runs the wrapper on a·b; returns the product and frees the output buffer. */
    const multiply = (a: Tensor, b: Tensor, transposeA = false, transposeB = false): Float32Array => {
      const out = wrapped({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } }) as TensorInfo;
      const data = backend.readSync(out.dataId) as Float32Array;
      backend.disposeData(out.dataId);
      return data;
    };
    return { calls, multiply, wrapped };
  }

  it('runs the GEMM on the first use of a B, the next kernel on later uses, and the GEMM on every transposed B', async () => {
    const { calls, multiply } = dispatcher();
    const buffers = wasmBuffers(tf);
    const a = tf.tensor(values(5 * 6, 1), [5, 6]);
    const b = tf.tensor(values(6 * 7, 2), [6, 7]);
    const bt = tf.tensor(values(6 * 7, 2), [7, 6]);
    const first = multiply(a, b);
    expect(calls.next).toBe(0);
    const second = multiply(a, b);
    expect(calls.next).toBe(1);
    expect(maxRelError(first, second)).toBeLessThan(1e-6);
    multiply(a, bt, false, true);
    multiply(a, bt, false, true);
    expect(calls.next).toBe(1);
    const expected = await onCpu(tf, () => tf.tidy(() => tf.matMul(tf.tensor(values(5 * 6, 1), [5, 6]), tf.tensor(values(6 * 7, 2), [6, 7])).dataSync()));
    expect(maxRelError(first, expected)).toBeLessThan(1e-6);
    tf.dispose([a, b, bt]);
    expect(wasmBuffers(tf)).toBe(buffers);
  });

  it('leaves batched operands to the next kernel; a kernel set without gemm multiplies with the stock path', () => {
    const { calls, multiply } = dispatcher();
    const a = tf.tensor(values(2 * 3 * 4, 1), [2, 3, 4]);
    const b = tf.tensor(values(2 * 4 * 5, 2), [2, 4, 5]);
    multiply(a, b);
    expect(calls.next).toBe(1);
    const a2 = tf.tensor(values(12, 3), [3, 4]);
    const b2 = tf.tensor(values(20, 4), [4, 5]);
    multiply(a2, b2);
    expect(calls.next, 'a fresh 2-D B takes the GEMM').toBe(1);
    const viaGemm = tf.matMul(a2, tf.tensor(values(20, 4), [4, 5])).dataSync();
    registerWasmKernels(tf, WITHOUT_GEMM);
    const viaStock = tf.matMul(a2, tf.tensor(values(20, 4), [4, 5])).dataSync();
    registerWasmKernels(tf, FULL_WASM_KERNELS);
    expect(maxRelError(viaStock, viaGemm)).toBeLessThan(1e-6);
    tf.dispose([a, b, a2, b2]);
  });

  it('falls back to the next kernel when the backend has no heap to instantiate the GEMM on', () => {
    const sentinel = { dataId: {}, shape: [2, 2], dtype: 'float32' } as TensorInfo;
    let nextCalls = 0;
    const wrapped = freshOperandGemm(
      () => {
        nextCalls++;
        return sentinel;
      },
      () => {
        throw new Error('no kernel needed');
      },
    );
    const info = (shape: number[]) => ({ dataId: {}, shape, dtype: 'float32' }) as TensorInfo;
    expect(wrapped({ inputs: { a: info([2, 3]), b: info([3, 2]) }, backend: {} as never, attrs: {} })).toBe(sentinel);
    expect(nextCalls).toBe(1);
  });
});
