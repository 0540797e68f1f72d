import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fillTransposedIm2col } from '../../../../engine/kernels/conv2d-backprop-filter.js';
import { im2colViews, type Im2colTapOnHeap } from '../../../../engine/kernels/im2col-simd.js';
import { FULL_WASM_KERNELS, registerWasmKernels } from '../../../../engine/kernels/index.js';
import { heapSimdCalls } from '../../../../engine/kernels/simd-call-counts.js';
import { maxPoolGradForBackend, type MaxPoolGradOnHeap } from '../../../../engine/kernels/pool-simd.js';
import { sumRowsForBackend, sumRowsViews, type SumRowsOnHeap } from '../../../../engine/kernels/reduce-simd.js';
import { instantiateOn } from '../../../../engine/kernels/heap-module.js';
import type { Tensor, TF } from '../../../../engine/tf.js';
import { maxRelError, onCpu, values, wasmBuffers, wasmTf } from './backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});
afterEach(() => registerWasmKernels(tf, FULL_WASM_KERNELS));

/** Flat value of f(x) and its gradient for seeded x of `shape` (relu'd when asked: many ties at zero). */
function valueAndGrad(shape: number[], f: (x: Tensor) => Tensor, relu: boolean, edit?: (v: Float32Array) => void): Float32Array[] {
  return tf.tidy(() => {
    const raw = values(
      shape.reduce((a, b) => a * b, 1),
      23,
    );
    edit?.(raw);
    const x = relu ? tf.relu(tf.tensor(raw, shape)) : tf.tensor(raw, shape);
    const out = f(x);
    const weights = tf.tensor(values(out.size, 71), out.shape);
    const g = tf.grad((y: Tensor) => tf.sum(tf.mul(f(y), weights)));
    // −∞ outputs (pools of −∞ windows) become a finite sentinel so that errors stay numbers.
    const finite = (out.dataSync() as Float32Array).map((v) => (Number.isFinite(v) ? v : 1234));
    return [finite, g(x).dataSync() as Float32Array];
  });
}

/**
 * Runs f on wasm with the SIMD heap kernels (checking that `counter` moved and nothing leaked), on
 * wasm without them (JavaScript heap passes) and on cpu; the SIMD results must equal the JavaScript
 * pass bit for bit and the cpu backend within `tolerance`.
 */
async function expectSimdPath(
  counter: keyof typeof heapSimdCalls,
  shape: number[],
  f: (x: Tensor) => Tensor,
  tolerance: number,
  relu = false,
  edit?: (v: Float32Array) => void,
) {
  const tensors = tf.memory().numTensors;
  const buffers = wasmBuffers(tf);
  const calls = heapSimdCalls[counter];
  const simd = valueAndGrad(shape, f, relu, edit);
  expect(heapSimdCalls[counter], `${counter} ran its SIMD path`).toBeGreaterThan(calls);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(wasmBuffers(tf)).toBe(buffers);
  registerWasmKernels(tf, { ...FULL_WASM_KERNELS, heapSimd: false });
  const callsOff = heapSimdCalls[counter];
  const js = valueAndGrad(shape, f, relu, edit);
  expect(heapSimdCalls[counter], 'switched off: JavaScript pass').toBe(callsOff);
  registerWasmKernels(tf, FULL_WASM_KERNELS);
  const cpu = await onCpu(tf, () => valueAndGrad(shape, f, relu, edit));
  simd.forEach((s, i) => {
    expect(Array.from(s), `output ${i} equals the JavaScript pass`).toEqual(Array.from(js[i] as Float32Array));
    expect(maxRelError(s, cpu[i] as Float32Array), `output ${i} vs cpu`).toBeLessThan(tolerance);
  });
}

describe('SIMD column sums (reduce-simd.ts)', () => {
  it('equal float64 sums rounded once, on a plain memory at unaligned offsets, for odd column counts', () => {
    const memory = new WebAssembly.Memory({ initial: 4 });
    const sumRows = instantiateOn('sum-rows', memory).sumRows as SumRowsOnHeap;
    for (const [rows, cols] of [
      [0, 3],
      [1, 1],
      [5, 3],
      [7, 5],
      [3, 33],
      [40, 4],
      [9, 2],
    ] as [number, number][]) {
      const x = new Float32Array(memory.buffer, 4, rows * cols);
      const out = new Float32Array(memory.buffer, x.byteOffset + x.byteLength + 12, cols);
      const scratch = new Float32Array(memory.buffer, out.byteOffset + out.byteLength + 4, 2 * cols);
      // Large and small terms: float32 accumulation would lose the small ones.
      x.set(values(rows * cols, 5 + cols).map((v, i) => (i % 7 === 0 ? v * 1e7 : v)));
      scratch.fill(Number.NaN); // the wrapper must zero it
      sumRowsViews(sumRows, x, out, scratch, rows, cols);
      const expected = new Float32Array(cols);
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let i = 0; i < rows; i++) s += x[i * cols + j] as number;
        expected[j] = s;
      }
      expect(Array.from(out), `[${rows}, ${cols}]`).toEqual(Array.from(expected));
    }
  });

  it('Sum over leading axes takes the SIMD path for 3, 5 and 33 channels; equals the JavaScript pass, matches cpu, frees everything', async () => {
    for (const shape of [
      [2, 5, 4, 3],
      [3, 4, 5],
      [2, 3, 3, 33],
      [6, 1],
    ]) {
      const axes = shape.slice(0, -1).map((_, i) => i);
      await expectSimdPath('sumLeadingAxes', shape, (x) => tf.sum(x, axes), 1e-6);
    }
    await expectSimdPath('sumLeadingAxes', [4, 3, 5], (x) => tf.sum(x, [0, 1], true), 1e-6);
  });

  it('refuses views that do not match and finds no heap on a backend without one', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const sumRows = instantiateOn('sum-rows', memory).sumRows as SumRowsOnHeap;
    const view = new Float32Array(memory.buffer, 0, 6);
    expect(() => sumRowsViews(sumRows, view, view.subarray(0, 2), view, 2, 3)).toThrow(/do not match \[2,3\]/);
    expect(sumRowsForBackend({})).toBeNull();
    expect(maxPoolGradForBackend({})).toBeNull();
  });
});

describe('SIMD max-pool gradient (pool-simd.ts)', () => {
  it('instantiates the compiled module (max-pool-grad.wat)', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    expect(typeof (instantiateOn('max-pool-grad', memory).maxPoolGrad as MaxPoolGradOnHeap)).toBe('function');
  });

  it('takes the SIMD path for 3, 5 and 33 channels with first-maximum ties (relu), overlap and padding; equals the JavaScript pass and cpu', async () => {
    const cases: [number[], number, number, 'valid' | 'same'][] = [
      [[2, 6, 6, 3], 2, 2, 'valid'],
      [[2, 7, 7, 5], 2, 2, 'valid'],
      [[1, 6, 5, 33], 3, 1, 'same'],
      [[2, 7, 6, 4], 3, 2, 'same'],
    ];
    for (const [shape, size, stride, pad] of cases) {
      await expectSimdPath('maxPoolGrad', shape, (x) => tf.maxPool(x as never, size, stride, pad), 1e-6, true);
    }
  });

  it('a window holding only −∞ passes no gradient, as on cpu (vector and scalar lanes)', async () => {
    // x [1, 4, 4, 5]: the top-left 2×2 window is −∞ in every channel.
    const minusInfinityCorner = (v: Float32Array) => {
      for (const [r, c] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ] as [number, number][])
        v.fill(Number.NEGATIVE_INFINITY, (r * 4 + c) * 5, (r * 4 + c) * 5 + 5);
    };
    await expectSimdPath('maxPoolGrad', [1, 4, 4, 5], (x) => tf.maxPool(x as never, 2, 2, 'valid'), 1e-6, false, minusInfinityCorner);
  });
});

describe('im2col on the heap (im2col-simd.ts)', () => {
  it('equals the JavaScript im2col for 1, 3 and 33 channels, strides, paddings and a batch sub-range (vector copy and scalar paths)', () => {
    const memory = new WebAssembly.Memory({ initial: 16 });
    const im2col = instantiateOn('im2col', memory).im2colTap as Im2colTapOnHeap;
    const cases: [number[], number[], [number, number], 'valid' | 'same' | number][] = [
      [[3, 12, 11, 1], [3, 3, 1, 2], [1, 1], 'valid'], // contiguous rows: four at a time plus a tail
      [[2, 9, 11, 1], [4, 5, 1, 2], [1, 1], 'same'], // padding on every side
      [[2, 8, 7, 3], [3, 3, 3, 5], [2, 2], 'same'],
      [[1, 9, 8, 2], [5, 3, 2, 3], [2, 1], 'same'],
      [[2, 5, 5, 33], [3, 3, 33, 2], [1, 2], 2],
    ];
    for (const [xs, fs, strides, pad] of cases) {
      const g = tf.backend_util.computeConv2DInfo(xs as [number, number, number, number], fs as [number, number, number, number], strides, 1, pad);
      const n = xs[0] as number;
      const x = new Float32Array(
        memory.buffer,
        12,
        xs.reduce((a, b) => a * b, 1),
      );
      x.set(values(x.length, 3));
      for (const [b0, nb] of [
        [0, n],
        [n - 1, 1],
      ] as [number, number][]) {
        const size = (fs[0] as number) * (fs[1] as number) * (fs[2] as number) * nb * g.outHeight * g.outWidth;
        const out = new Float32Array(memory.buffer, x.byteOffset + x.byteLength + 4, size).fill(Number.NaN);
        im2colViews(im2col, out, x, xs, b0, nb, fs, g);
        const expected = new Float32Array(size).fill(Number.NaN);
        fillTransposedIm2col(expected, x, xs, b0, nb, fs, g);
        expect(Array.from(out), `${JSON.stringify(xs)} ${JSON.stringify(fs)} images ${b0}+${nb}`).toEqual(Array.from(expected));
      }
    }
  });
});

describe('Conv2DBackpropFilter with the SIMD GEMM', () => {
  it('takes the GEMM path for 3, 5 and 33 channels (and in batch chunks) and matches cpu in value and gradients, freeing everything', async () => {
    const cases: [number[], number[], number, 'valid' | 'same'][] = [
      [[2, 6, 6, 3], [3, 3, 3, 5], 1, 'valid'],
      [[3, 7, 5, 5], [2, 3, 5, 33], 2, 'same'],
      [[4, 5, 5, 1], [3, 3, 1, 4], 1, 'same'],
    ];
    for (const [xs, ws, stride, pad] of cases) {
      const tensors = tf.memory().numTensors;
      const buffers = wasmBuffers(tf);
      const calls = heapSimdCalls.conv2dBackpropFilter;
      const filter = tf.tensor(
        values(
          ws.reduce((a, b) => a * b, 1),
          41,
        ),
        ws,
      );
      const run = () => valueAndGrad(xs, (x) => tf.conv2d(x as never, filter as never, stride, pad), false);
      // The filter gradient (what Conv2DBackpropFilter computes), via the same weighting as valueAndGrad.
      const filterGrad = () =>
        tf.tidy(() => {
          const x = tf.tensor(
            values(
              xs.reduce((a, b) => a * b, 1),
              23,
            ),
            xs,
          );
          const out: Tensor = tf.conv2d(x as never, filter as never, stride, pad);
          const weights = tf.tensor(values(out.size, 71), out.shape);
          return tf
            .grad((w: Tensor) => tf.sum(tf.mul(tf.conv2d(x as never, w as never, stride, pad), weights)))(filter)
            .dataSync() as Float32Array;
        });
      const wasm = [...run(), filterGrad()];
      expect(heapSimdCalls.conv2dBackpropFilter, `${JSON.stringify(xs)}: GEMM path`).toBeGreaterThan(calls);
      const cpu = await onCpu(tf, () => [...run(), filterGrad()]);
      filter.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      expect(wasmBuffers(tf)).toBe(buffers);
      wasm.forEach((w, i) => expect(maxRelError(w, cpu[i] as Float32Array), `${JSON.stringify(xs)} output ${i}`).toBeLessThan(1e-5));
    }
  });
});
