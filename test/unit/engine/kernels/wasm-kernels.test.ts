import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { im2colLimits } from '../../../../engine/kernels/conv2d-backprop-filter.js';
import { PATCHED_WASM_KERNELS } from '../../../../engine/kernels/index.js';
import type { Tensor, TF } from '../../../../engine/tf.js';
import { maxRelError, onCpu, values, wasmBuffers, wasmTf } from './backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});

/** f's value and its gradients with respect to each input, as flat arrays; inputs built from seeded values. */
function valueAndGrads(shapes: number[][], f: (...xs: Tensor[]) => Tensor, relu = false): number[][] {
  return tf.tidy(() => {
    const xs = shapes.map((s, i) => {
      const t = tf.tensor(
        values(
          s.reduce((a, b) => a * b, 1),
          17 + i,
        ),
        s,
      );
      return relu ? tf.relu(t) : t;
    });
    const out = f(...xs);
    // A fixed random weighting makes every output element's gradient distinct.
    const weights = tf.tensor(values(out.size, 99), out.shape);
    const g = tf.grads((...ys: Tensor[]) => tf.sum(tf.mul(f(...ys), weights)));
    return [Array.from(out.dataSync()), ...g(xs).map((t) => Array.from(t.dataSync()))];
  });
}

/** Asserts that wasm (patched) and cpu agree on f's value and gradients, and that wasm frees everything. */
async function expectSameAsCpu(shapes: number[][], f: (...xs: Tensor[]) => Tensor, tolerance = 1e-4, relu = false): Promise<void> {
  const tensors = tf.memory().numTensors;
  const buffers = wasmBuffers(tf);
  const wasm = valueAndGrads(shapes, f, relu);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(wasmBuffers(tf)).toBe(buffers);
  const cpu = await onCpu(tf, () => valueAndGrads(shapes, f, relu));
  expect(wasm.length).toBe(shapes.length + 1);
  wasm.forEach((w, i) => {
    expect(w.length).toBeGreaterThan(0);
    expect(maxRelError(w, cpu[i] as number[]), `output ${i} (0 = value, then gradients)`).toBeLessThan(tolerance);
  });
}

describe('wasm kernel patches', () => {
  it('are registered by initBackend', () => {
    for (const name of PATCHED_WASM_KERNELS) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });

  it('BatchMatMul: every transpose combination, 2-D and batched, matches cpu in value and gradients', async () => {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = ta ? [6, 5] : [5, 6];
      const b = tb ? [4, 6] : [6, 4];
      await expectSameAsCpu([a, b], (x, y) => tf.matMul(x as never, y as never, ta, tb));
      await expectSameAsCpu(
        [
          [3, ...a],
          [3, ...b],
        ],
        (x, y) => tf.matMul(x as never, y as never, ta, tb),
      );
    }
  });

  it('_FusedMatMul with bias and relu, transposed operands, matches cpu', async () => {
    await expectSameAsCpu([[7, 5], [4, 7], [4]], (x, w, bias) =>
      tf.fused.matMul({ a: x as never, b: w as never, bias: bias as never, transposeA: true, transposeB: true, activation: 'relu' }),
    );
  });

  it('Conv2DBackpropFilter (missing on stock wasm): strides, paddings and channel counts match cpu', async () => {
    const cases: [number[], number[], [number, number] | number, 'valid' | 'same' | number][] = [
      [[2, 7, 7, 3], [3, 3, 3, 4], 1, 'valid'],
      [[2, 8, 7, 3], [3, 3, 3, 5], 2, 'same'],
      [[1, 9, 8, 2], [5, 3, 2, 3], [2, 1], 'same'],
      [[2, 6, 6, 1], [2, 2, 1, 6], 1, 1],
    ];
    for (const [xs, ws, strides, pad] of cases) {
      await expectSameAsCpu([xs, ws], (x, w) => tf.conv2d(x as never, w as never, strides, pad));
    }
  });

  it('Conv2DBackpropFilter sums batch chunks when the im2col would be too large', async () => {
    const saved = im2colLimits.blockElements;
    im2colLimits.blockElements = 200; // a 3×3×2 filter over 5×5 outputs: one image (450 values) per chunk
    try {
      await expectSameAsCpu(
        [
          [3, 7, 7, 2],
          [3, 3, 2, 4],
        ],
        (x, w) => tf.conv2d(x as never, w as never, 1, 'valid'),
      );
    } finally {
      im2colLimits.blockElements = saved;
    }
  });

  it('MaxPoolGrad: ties after relu go to the first maximum as on cpu; overlap, padding and leftovers too', async () => {
    const cases: [number[], number, number, 'valid' | 'same'][] = [
      [[2, 6, 6, 3], 2, 2, 'valid'],
      [[2, 7, 7, 3], 2, 2, 'valid'],
      [[1, 6, 5, 2], 3, 1, 'same'],
      [[2, 7, 6, 2], 3, 2, 'same'],
    ];
    for (const [xs, size, stride, pad] of cases) {
      // relu'd inputs: about half zeros, so many windows tie.
      await expectSameAsCpu([xs], (x) => tf.maxPool(x as never, size, stride, pad), 1e-6, true);
    }
  });

  it('Sum over leading axes (bias gradients) and over other axes matches cpu', async () => {
    await expectSameAsCpu([[3, 4, 5, 6]], (x) => tf.sum(x, [0, 1, 2]));
    await expectSameAsCpu([[3, 4, 5, 6]], (x) => tf.sum(x, [1, 0], true));
    await expectSameAsCpu([[7, 6]], (x) => tf.sum(x, 0));
    await expectSameAsCpu([[3, 4, 5]], (x) => tf.sum(x, [1]));
    await expectSameAsCpu([[3, 4, 5]], (x) => tf.sum(x, -1));
  });

  it('a kernel that fails part-way frees its temporaries and names the problem', () => {
    const before = wasmBuffers(tf);
    const tensors = tf.memory().numTensors;
    const a = tf.ones([5, 6]);
    const b = tf.ones([7, 4]);
    // transposeA makes the wrapper copy a first; the stock kernel then rejects the inner sizes 5 vs 7.
    expect(() => tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: true, transposeB: false })).toThrow(/inner shapes \(5\) and \(7\)/);
    const x = tf.ones([1, 4, 4, 2]);
    const dy = tf.ones([1, 2, 2, 3]);
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] })).toThrow(
      /dataFormat 'NHWC' only/,
    );
    tf.dispose([a, b, x, dy]);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers(tf)).toBe(before);
  });
});

afterAll(async () => {
  await tf.setBackend('wasm');
});
