import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FULL_WASM_KERNELS, registerWasmKernels } from '../../../../engine/kernels/index.js';
import { SOFTMAX_CE_KERNEL, fusedSparseSoftmaxCrossEntropy, hasFusedSoftmaxCrossEntropy } from '../../../../engine/kernels/softmax-cross-entropy.js';
import { createLoss } from '../../../../engine/losses.js';
import type { ForwardResult } from '../../../../engine/model.js';
import type { Tensor, TF } from '../../../../engine/tf.js';
import { onCpu, values, wasmBuffers, wasmTf } from './backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});
afterEach(() => registerWasmKernels(tf, FULL_WASM_KERNELS));

/** [batch, classes]: batch 1, odd sizes, the benchmark's output. */
const SHAPES: [number, number][] = [
  [1, 3],
  [7, 5],
  [128, 10],
];

/** Logits of scale `scale` (seeded) and labels k·7 mod classes. */
function data(b: number, c: number, scale: number): { z: Float32Array; y: Int32Array } {
  return { z: values(b * c, 17 + b + c).map((v) => v * scale), y: Int32Array.from({ length: b }, (_, k) => (k * 7) % c) };
}

/** Loss and ∂loss/∂logits in float64, computed directly from the definition (the independent reference). */
function reference(z: Float32Array, y: Int32Array, b: number, c: number): { loss: number; grad: Float64Array } {
  let loss = 0;
  const grad = new Float64Array(b * c);
  for (let i = 0; i < b; i++) {
    const row = Array.from(z.subarray(i * c, (i + 1) * c));
    const max = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    const label = y[i] as number;
    if (label < 0 || label >= c) continue;
    loss -= (row[label] as number) - max - Math.log(sum);
    row.forEach((v, j) => (grad[i * c + j] = (Math.exp(v - max) / sum - (j === label ? 1 : 0)) / b));
  }
  return { loss: loss / b, grad };
}

/** The engine's sparse cross-entropy (softmax output) and its gradient on the current backend. */
function engineLoss(z: Float32Array, y: Int32Array, b: number, c: number): { loss: number; grad: Float32Array } {
  const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: { name: 'softmax' }, outputUnits: c, numClasses: c });
  return tf.tidy(() => {
    const labels = tf.tensor1d(y, 'int32');
    const f = (logits: Tensor) => lossFn.loss({ output: tf.softmax(logits), logits } as ForwardResult, labels);
    const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(z, [b, c]));
    return { loss: value.dataSync()[0] as number, grad: grad.dataSync() as Float32Array };
  });
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

describe('fused sparse softmax cross-entropy on patched wasm', () => {
  it('is what the loss runs on wasm, and not on cpu', async () => {
    expect(hasFusedSoftmaxCrossEntropy(tf)).toBe(true);
    const { z, y } = data(4, 3, 1);
    const profile = await tf.profile(() => engineLoss(z, y, 4, 3));
    expect(profile.kernels.map((k) => k.name)).toContain(SOFTMAX_CE_KERNEL);
    expect(profile.kernels.map((k) => k.name)).not.toContain('OneHot');
    expect(await onCpu(tf, () => hasFusedSoftmaxCrossEntropy(tf))).toBe(false);
  });

  it('loss and gradient match a float64 reference to float32 rounding and the cpu tf-op path within 1e-6, for logits up to ±60; frees everything', async () => {
    for (const [b, c] of SHAPES) {
      for (const scale of [1, 8, 60]) {
        const { z, y } = data(b, c, scale);
        const tensors = tf.memory().numTensors;
        const buffers = wasmBuffers(tf);
        const wasm = engineLoss(z, y, b, c);
        expect(tf.memory().numTensors).toBe(tensors);
        expect(wasmBuffers(tf)).toBe(buffers);
        const ref = reference(z, y, b, c);
        const cpu = await onCpu(tf, () => engineLoss(z, y, b, c));
        const label = `${b}×${c} scale ${scale}`;
        expect(Math.abs(wasm.loss - ref.loss), `${label} loss vs float64`).toBeLessThanOrEqual(Math.abs(ref.loss) * 2 ** -23 + 1e-12);
        expect(maxAbs(wasm.grad, ref.grad), `${label} gradient vs float64`).toBeLessThan(1e-7 / b + 1e-9);
        expect(Math.abs(wasm.loss - cpu.loss), `${label} loss vs cpu`).toBeLessThan(1e-6 * Math.max(1, Math.abs(cpu.loss)));
        expect(maxAbs(wasm.grad, cpu.grad), `${label} gradient vs cpu`).toBeLessThan(1e-6);
      }
    }
  });

  it('a label outside the classes selects nothing (loss 0 and a zero gradient row), as the tf-op form', async () => {
    const z = values(3 * 4, 5);
    const y = Int32Array.from([1, 7, -1]);
    const wasm = engineLoss(z, y, 3, 4);
    const cpu = await onCpu(tf, () => engineLoss(z, y, 3, 4));
    expect(wasm.loss).toBeCloseTo(reference(z, y, 3, 4).loss, 6);
    expect(maxAbs(wasm.grad, cpu.grad)).toBeLessThan(1e-6);
    expect(Array.from(wasm.grad.subarray(4))).toEqual(new Array(8).fill(0));
  });

  it('gives the same bits twice, and a NaN loss for a NaN or infinite logit', () => {
    const { z, y } = data(128, 10, 4);
    const first = engineLoss(z, y, 128, 10);
    const second = engineLoss(z, y, 128, 10);
    expect(second.loss).toBe(first.loss);
    expect(Buffer.from(second.grad.buffer).equals(Buffer.from(first.grad.buffer))).toBe(true);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const zBad = z.slice();
      zBad[13] = bad;
      expect(engineLoss(zBad, y, 128, 10).loss).toBeNaN();
    }
  });

  it('rejects labels that are not int32 [batch], naming the kernel', () => {
    const z = tf.zeros([2, 3]);
    const floatLabels = tf.tensor1d([0, 1], 'float32');
    const threeLabels = tf.tensor1d([0, 1, 2], 'int32');
    expect(() => fusedSparseSoftmaxCrossEntropy(tf, z, floatLabels)).toThrow(/InitScopeSparseSoftmaxCrossEntropy: needs float32 logits/);
    expect(() => fusedSparseSoftmaxCrossEntropy(tf, z, threeLabels)).toThrow(/3 labels for 2 rows/);
    tf.dispose([z, floatLabels, threeLabels]);
  });
});
