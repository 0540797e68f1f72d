import type { KernelConfig } from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FULL_WASM_KERNELS, registerWasmKernels, unregisterWasmKernels } from '../../../../engine/kernels/index.js';
import { hasSharedSaves, installSharedSaves, uninstallSharedSaves } from '../../../../engine/kernels/shared-saves.js';
import { fusedSparseSoftmaxCrossEntropy, fusedSparseSoftmaxCrossEntropyWithCorrect } from '../../../../engine/kernels/softmax-cross-entropy.js';
import { createLoss, lossAndCorrect, readsOnlyLogits } from '../../../../engine/losses.js';
import { buildModel } from '../../../../engine/model.js';
import type { ForwardResult } from '../../../../engine/model.js';
import type { Tensor, TF } from '../../../../engine/tf.js';
import { kernelSet } from '../../../../engine/provenance.js';
import { onCpu, values, wasmBuffers, wasmTf } from './backend-pair.js';
import { CONV, MLP, trainHashed } from './step-tape-run.js';

let tf: TF;
let stockIdentity: KernelConfig;
beforeAll(async () => {
  tf = await wasmTf();
  unregisterWasmKernels(tf);
  stockIdentity = tf.getKernel('Identity', 'wasm') as KernelConfig;
  registerWasmKernels(tf, FULL_WASM_KERNELS);
});
afterEach(() => registerWasmKernels(tf, FULL_WASM_KERNELS));

/** Everything else patched, but wasm's copying Identity and tfjs's own saves (the path before this change). */
function copyingSaves(): void {
  uninstallSharedSaves(tf);
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel(stockIdentity);
}

/**
 * SHA-256 of the weights after 12 Adam steps on patched wasm, computed with the code before the
 * shared saves and the fused accuracy count (commit 9ee0f9d). A change here means trained runs are
 * no longer reproduced bit for bit by this version.
 */
const GOLDEN = {
  mlp: '1e64e235392eb511fa786d34f1926e4698ca304a6eac8919eaeae50b13cc0102',
  conv: 'ad0cee5a954fc56b133a0f56ed794b13d8ba34be7d941683f809ded88dc3dd34',
};

describe('fewer tf ops per step (shared saves, accuracy in the loss kernel)', () => {
  it('trains the benchmark MLP and a conv net to the weights of the earlier version, bit for bit, with the same losses and counts as copying saves', async () => {
    expect(hasSharedSaves(tf)).toBe(true);
    const tensors = tf.memory().numTensors;
    const buffers = wasmBuffers(tf);
    const mlp = await trainHashed(tf, MLP, 12, 64);
    const conv = await trainHashed(tf, CONV, 12, 16);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBuffers(tf)).toBe(buffers);
    expect(mlp.weights).toBe(GOLDEN.mlp);
    expect(conv.weights).toBe(GOLDEN.conv);
    copyingSaves();
    expect(hasSharedSaves(tf)).toBe(false);
    const mlpOff = await trainHashed(tf, MLP, 12, 64);
    const convOff = await trainHashed(tf, CONV, 12, 16);
    expect(mlpOff).toEqual(mlp);
    expect(convOff).toEqual(conv);
  });

  it('runs a step of the MLP without Identity copies, the unread Softmax, ArgMax/Equal/Cast, the summary Reshape/Concat', async () => {
    const kernelsOfStep = async () => {
      const names: string[] = [];
      const profile = await tf.profile(async () => {
        await trainHashed(tf, MLP, 1, 8);
      });
      for (const k of profile.kernels) names.push(k.name);
      return names;
    };
    const now = await kernelsOfStep();
    copyingSaves();
    const before = await kernelsOfStep();
    // Identity still runs for tf.clone, but no longer for the tensors saved for the backward pass.
    expect(now.filter((n) => n === 'Identity').length).toBe(0);
    // x, W and y of each dense layer, the loss's logits and labels.
    expect(before.filter((n) => n === 'Identity').length).toBeGreaterThanOrEqual(11);
    for (const gone of ['ArgMax', 'Equal', 'Cast', 'Concat', 'Reshape', 'Softmax']) expect(now, gone).not.toContain(gone);
  });

  it('Identity (tf.clone) shares the buffer: values equal, freeing either keeps the other, no buffer left behind', () => {
    const buffers = wasmBuffers(tf);
    const a = tf.tensor1d([1, -2, 3.5]);
    const b = tf.clone(a);
    expect(wasmBuffers(tf)).toBe(buffers + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, -2, 3.5]);
    b.dispose();
    expect(wasmBuffers(tf)).toBe(buffers);
    const s = tf.tensor1d(['x', 'yz'], 'string');
    const t = tf.clone(s);
    expect(t.dataSync()).toEqual(['x', 'yz']);
    tf.dispose([s, t]);
  });

  it('keeps tfjs saves for higher-order gradients: d²/dx² of x³·relu(x) equals the cpu backend', async () => {
    const f = (x: Tensor) => tf.mul(tf.mul(tf.mul(x, x), x), tf.relu(x));
    const second = () =>
      tf.tidy(() =>
        Array.from(
          tf
            .grad(tf.grad(f))(tf.tensor1d([-1.5, 0.5, 2]))
            .dataSync(),
        ),
      );
    const wasm = second();
    expect(wasm).toEqual(await onCpu(tf, second));
    [0, 12 * 0.25, 12 * 4].forEach((v, i) => expect(wasm[i]).toBeCloseTo(v, 5));
  });

  it('is not recorded in provenance (it cannot change a number), and the stock set restores the copying Identity and tfjs saves', () => {
    expect(kernelSet('wasm', FULL_WASM_KERNELS).groups).not.toContain('Identity');
    unregisterWasmKernels(tf);
    expect(hasSharedSaves(tf)).toBe(false);
    expect(tf.getKernel('Identity', 'wasm')?.kernelFunc).toBe(stockIdentity.kernelFunc);
  });

  it('installs once and restores the engine method on uninstall', () => {
    const engine = tf.engine() as unknown as { saveTensorsForBackwardMode: unknown };
    const shared = engine.saveTensorsForBackwardMode;
    expect(installSharedSaves(tf)).toBe(true);
    expect(engine.saveTensorsForBackwardMode).toBe(shared);
    uninstallSharedSaves(tf);
    expect(Object.prototype.hasOwnProperty.call(engine, 'saveTensorsForBackwardMode')).toBe(false);
    // The Identity kernel stays the sharing one: only the engine method is restored.
    expect(tf.getKernel('Identity', 'wasm')?.kernelFunc).not.toBe(stockIdentity.kernelFunc);
  });
});

describe('the accuracy count inside the fused loss kernel', () => {
  /** loss, correct and ∂loss/∂logits through createLoss; `both` uses lossAndCorrect (one kernel on wasm), else loss() and correct(). */
  function run(z: Float32Array, y: Int32Array, b: number, c: number, both: boolean) {
    const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: { name: 'softmax' }, outputUnits: c, numClasses: c });
    return tf.tidy(() => {
      const labels = tf.tensor1d(y, 'int32');
      let correct = Number.NaN;
      const f = (logits: Tensor) => {
        const r = { output: logits, logits } as ForwardResult;
        if (!both) {
          correct = lossFn.correct(r, labels).dataSync()[0] as number;
          return lossFn.loss(r, labels);
        }
        const out = lossAndCorrect(lossFn, r, labels);
        correct = out.correct.dataSync()[0] as number;
        return out.loss;
      };
      const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(z, [b, c]));
      return { loss: value.dataSync()[0] as number, correct, grad: Array.from(grad.dataSync()) };
    });
  }

  it('counts what argMax → equal → cast → sum counts (ties, NaN, ±Infinity, labels outside the classes), with the same loss and gradient bits', async () => {
    const b = 16;
    const c = 5;
    const z = values(b * c, 77).map((v) => Math.round(v * 2) / 2); // many ties
    z.set([1, 1, 1, 1, 1], 0); // a row of ties: index 0
    z.set([Number.NaN, 3, 4, 0, 0], 5); // NaN first: index 0
    z.set([0, Number.NaN, 4, 9, 0], 10); // later NaN never chosen: index 3
    z.set([-Infinity, -Infinity, -Infinity, -Infinity, -Infinity], 15);
    z.set([0, 0, Infinity, Infinity, 0], 20);
    const y = Int32Array.from({ length: b }, (_, i) => [0, 0, 3, 0, 2, 7, -1][i % 7] as number);
    const fused = run(z, y, b, c, true);
    const separate = run(z, y, b, c, false);
    expect(fused.correct).toBe(separate.correct);
    expect(Object.is(fused.loss, separate.loss)).toBe(true);
    // The stock kernels (no fused loss) count the same.
    unregisterWasmKernels(tf);
    expect(run(z, y, b, c, true).correct).toBe(fused.correct);
    registerWasmKernels(tf, FULL_WASM_KERNELS);
    // Finite rows: the same gradient bits through both entry points.
    const finite = values(128 * 10, 5);
    const labels = Int32Array.from({ length: 128 }, (_, i) => (i * 3) % 10);
    const a = run(finite, labels, 128, 10, true);
    const s = run(finite, labels, 128, 10, false);
    expect(a).toEqual(s);
    expect(a.correct).toBeGreaterThan(0);
  });

  it('returns [loss, correct] from one kernel call, the loss equal to the single-output kernel; frees everything', async () => {
    const z = tf.tensor2d(values(12 * 4, 9), [12, 4]);
    const y = tf.tensor1d(
      Int32Array.from({ length: 12 }, (_, i) => i % 4),
      'int32',
    );
    const tensors = tf.memory().numTensors;
    const profile = await tf.profile(() => {
      const [loss, correct] = fusedSparseSoftmaxCrossEntropyWithCorrect(tf, z, y);
      const single = fusedSparseSoftmaxCrossEntropy(tf, z, y);
      expect(loss.dataSync()[0]).toBe(single.dataSync()[0]);
      const expected = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(z, -1), y), 'float32')).dataSync()[0]);
      expect(correct.dataSync()[0]).toBe(expected);
      tf.dispose([loss, correct, single]);
    });
    expect(profile.kernels.filter((k) => k.name === 'InitScopeSparseSoftmaxCrossEntropy').length).toBe(2);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([z, y]);
  });
});

describe('forward with logitsOnly (the output activation skipped when the loss reads only logits)', () => {
  it('gives the same logits, and an output computed on read with the eager bits, in any scope, as often as read', async () => {
    const check = () => {
      const model = buildModel(tf, MLP, { seed: 9 });
      const x = tf.tensor2d(values(5 * 784, 4), [5, 784]);
      try {
        const eager = tf.tidy(() => {
          const r = model.forward(x, { training: false });
          return [Array.from(r.logits.dataSync()), Array.from(r.output.dataSync())];
        });
        const tensors = tf.memory().numTensors;
        const lazy = tf.tidy(() => {
          const r = model.forward(x, { training: false, logitsOnly: true });
          const logits = Array.from(r.logits.dataSync());
          // Read inside two nested scopes: each read is a fresh tensor of the reading scope.
          const first = tf.tidy(() => Array.from(r.output.dataSync()));
          const second = tf.tidy(() => Array.from(r.output.dataSync()));
          expect(second).toEqual(first);
          return [logits, first];
        });
        expect(tf.memory().numTensors).toBe(tensors);
        expect(lazy).toEqual(eager);
      } finally {
        x.dispose();
        model.dispose();
      }
    };
    check();
    await onCpu(tf, check);
  });

  it('is used only for losses that read logits alone, and only for the objects createLoss made', () => {
    const make = (
      loss: 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError',
      act: 'softmax' | 'sigmoid' | 'linear',
      units = 10,
    ) => createLoss(tf, loss, { outputActivation: { name: act }, outputUnits: units, numClasses: units === 1 ? 2 : 10 });
    expect(readsOnlyLogits(make('sparseCategoricalCrossentropy', 'softmax'))).toBe(true);
    expect(readsOnlyLogits(make('categoricalCrossentropy', 'softmax'))).toBe(true);
    expect(readsOnlyLogits(make('binaryCrossentropy', 'sigmoid', 1))).toBe(true);
    expect(readsOnlyLogits(make('sparseCategoricalCrossentropy', 'linear'))).toBe(false);
    expect(readsOnlyLogits(make('meanSquaredError', 'softmax'))).toBe(false);
    expect(readsOnlyLogits({ ...make('sparseCategoricalCrossentropy', 'softmax') })).toBe(false);
  });
});
