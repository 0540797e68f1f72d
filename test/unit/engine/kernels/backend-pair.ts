import { OptimizerSpec, type NetworkSpec } from '../../../../contract/index.js';
import { initBackend, type BackendInfo } from '../../../../engine/backend.js';
import { createLoss } from '../../../../engine/losses.js';
import { buildModel } from '../../../../engine/model.js';
import { createOptimizer, disposeOptimizer } from '../../../../engine/optimizers.js';
import { trainStep } from '../../../../engine/step.js';
import type { TF } from '../../../../engine/tf.js';

let info: Promise<BackendInfo> | null = null;

/** TensorFlow.js on wasm with InitScope's kernels registered (the default), initialised once per file. */
export function wasmTf(): Promise<TF> {
  info ??= initBackend('wasm').then((b) => {
    if (b.backend !== 'wasm') throw new Error(`expected wasm, got ${b.backend}`);
    return b;
  });
  return info.then((b) => b.tf);
}

/** Runs `f` on the cpu backend (the reference) and switches back to wasm. */
export async function onCpu<T>(tf: TF, f: () => T | Promise<T>): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return await f();
  } finally {
    await tf.setBackend('wasm');
  }
}

/** Buffers the wasm backend holds (engine tensors and kernel temporaries alike). */
export function wasmBuffers(tf: TF): number {
  return (tf.engine().findBackend('wasm') as unknown as { numDataIds(): number }).numDataIds();
}

/** Seeded values in [-1, 1) (xorshift32), the same on every backend. */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Largest |a − b| / max(1, |b|) over two equally long arrays. @throws if lengths differ */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number)));
  return worst;
}

/** One training batch: inputs row-major [n, ...inputShape] and int32 labels [n]. */
export interface TrainingBatch {
  x: Float32Array;
  y: Int32Array;
}

/**
 * The bits of every variable of `network` (built with `seed`) after `steps` Adam steps (learning rate
 * 0.01, sparse categorical cross-entropy over 10 classes) on the batches `batchOf(i)` gives, step i
 * numbered `firstStep + i`; every step must stay finite. Frees the model, optimizer and batches.
 */
export async function weightBitsAfterSteps(
  tf: TF,
  network: NetworkSpec,
  seed: number,
  steps: number,
  batchOf: (i: number) => TrainingBatch,
  firstStep: number,
): Promise<Uint32Array[]> {
  const model = buildModel(tf, network, { seed });
  const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'adam', learningRate: 0.01 }));
  const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 });
  try {
    for (let i = 0; i < steps; i++) {
      const { x, y } = batchOf(i);
      const xb = tf.tensor(x, [y.length, ...network.inputShape]);
      const yb = tf.tensor1d(y, 'int32');
      try {
        const { finite } = await trainStep(tf, model, lossFn, optimizer, xb, yb, firstStep + i);
        if (!finite) throw new Error(`step ${firstStep + i} was not finite`);
      } finally {
        tf.dispose([xb, yb]);
      }
    }
    return model.variables.map((t) => {
      const v = t.dataSync() as Float32Array;
      return new Uint32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
    });
  } finally {
    disposeOptimizer(optimizer);
    model.dispose();
  }
}
