/**
 * The MLP's training step (784-256-128-10, Adam, batch 128) with the zero-skipping GEMM on and off,
 * on real MNIST batches and on random data: CPU time per step (process.cpuUsage, ms), interleaved
 * blocks of `steps` steps, medians; one model per mode trained in turns. Also checks that both modes
 * end with the same weight bits on MNIST (the path is bit-neutral).
 * Run: node --import tsx bench/sparse-step.ts [blocks] [steps]
 */
import { OptimizerSpec } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { MNIST_PIXELS } from '../engine/datasets/mnist.js';
import { setSparseGemm, sparseGemmCalls } from '../engine/kernels/gemm-sparse.js';
import { createLoss } from '../engine/losses.js';
import { buildModel } from '../engine/model.js';
import { createOptimizer } from '../engine/optimizers.js';
import { trainStep } from '../engine/step.js';
import { BATCH, mnistPool, NETWORKS, randomData } from './workloads.js';

const blocks = Number(process.argv[2] ?? 9);
const steps = Number(process.argv[3] ?? 10);
const { tf } = await initBackend('wasm');
const POOL = 8;

const pools = {
  mnist: mnistPool(),
  random: { xs: randomData(POOL * BATCH * MNIST_PIXELS, 7), ys: Int32Array.from(randomData(POOL * BATCH, 11), (v) => Math.floor(v * 10)) },
};

/** A trainer: model + Adam; step() runs one step on the next pooled batch. */
function trainer(data: { xs: Float32Array; ys: Int32Array }) {
  const model = buildModel(tf, NETWORKS.mlp, { seed: 1 });
  const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'adam', learningRate: 1e-3 }));
  const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 });
  let i = 0;
  return {
    model,
    async step() {
      const k = i % POOL;
      const xb = tf.tensor(data.xs.subarray(k * BATCH * MNIST_PIXELS, (k + 1) * BATCH * MNIST_PIXELS), [BATCH, MNIST_PIXELS]);
      const yb = tf.tensor1d(data.ys.subarray(k * BATCH, (k + 1) * BATCH), 'int32');
      await trainStep(tf, model, lossFn, optimizer, xb, yb, i++);
      tf.dispose([xb, yb]);
    },
  };
}

/** The two modes' trainers; BENCH_OFF_FIRST=1 measures 'off' first in each block (order check). */
const b0Order = <T>(on: T, off: T): Record<'on' | 'off', T> => (process.env.BENCH_OFF_FIRST === '1' ? { off, on } : { on, off }) as Record<'on' | 'off', T>;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
for (const [name, data] of Object.entries(pools)) {
  const modes = b0Order(trainer(data), trainer(data));
  const calls0 = { ...sparseGemmCalls };
  const times: Record<string, number[]> = { on: [], off: [] };
  for (let b = 0; b < blocks + 1; b++)
    for (const [mode, t] of Object.entries(modes)) {
      setSparseGemm(mode === 'on');
      const c0 = process.cpuUsage();
      for (let s = 0; s < steps; s++) await t.step();
      const c = process.cpuUsage(c0);
      if (b > 0) times[mode]!.push((c.user + c.system) / 1000 / steps); // block 0: warm-up
    }
  const same = modes.on.model.variables.every((v, i) => {
    const a = new Uint32Array((v.dataSync() as Float32Array).slice().buffer);
    const o = new Uint32Array((modes.off.model.variables[i]!.dataSync() as Float32Array).slice().buffer);
    return a.every((x, j) => x === o[j]);
  });
  const on = median(times.on!);
  const off = median(times.off!);
  console.log(
    `${name.padEnd(6)} step CPU ms: sparse on ${on.toFixed(2)}, off ${off.toFixed(2)} → ${(off / on).toFixed(2)}× (${((BATCH * 1000) / on).toFixed(0)} vs ${((BATCH * 1000) / off).toFixed(0)} samples/CPU-s); weights bit-identical after ${(blocks + 1) * steps} steps: ${same}; GEMM calls sparse ${sparseGemmCalls.sparse - calls0.sparse}, dense ${sparseGemmCalls.dense - calls0.dense}`,
  );
}
