/**
 * The MLP's training step (784-256-128-10, relu, softmax, Adam 1e-3, batch 128: `npm run bench`'s
 * step loop) of THIS tree against another build's engine, in one process: two models trained in turns
 * in interleaved blocks, main-thread CPU time per step (/proc/self/task/<pid>/schedstat, ns: the GC and
 * compiler threads are not counted; wall-clock samples/s beside it), medians of blocks and of the per-block ratios; then the kernels
 * one step runs on each side, and whether both ended with the same weight bits and the same loss and
 * count every step.
 *
 * The other build is a copy of its engine/, contract/, bench/ and package.json with node_modules linked:
 *   git archive <commit> engine contract bench package.json | tar -x -C /tmp/base
 *   ln -s "$PWD/node_modules" /tmp/base/ && cp engine/kernels/wat/binaries.generated.ts /tmp/base/engine/kernels/wat/
 *   node --import tsx bench/step-ab.ts /tmp/base [blocks=24] [steps=100]      (BENCH_MNIST=1: real digits)
 * Both sides run this tree's registered wasm kernels (they are registered by name); when the other
 * build predates engine/kernels/shared-saves.ts, its blocks run with wasm's copying Identity and
 * tfjs's own saves, as it did.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { KernelConfig } from '@tensorflow/tfjs';
import { OptimizerSpec } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { registerWasmKernels, unregisterWasmKernels } from '../engine/kernels/index.js';
import { installSharedSaves, uninstallSharedSaves } from '../engine/kernels/shared-saves.js';
import { createLoss } from '../engine/losses.js';
import { buildModel } from '../engine/model.js';
import { createOptimizer } from '../engine/optimizers.js';
import { trainStep } from '../engine/step.js';
import { BATCH, mnistPool, NETWORKS, randomData } from './workloads.js';

const baseDir = resolve(process.argv[2] ?? '');
if (!existsSync(join(baseDir, 'engine', 'step.ts'))) throw new Error(`bench/step-ab.ts: ${baseDir} holds no engine/step.ts (see the usage in this file)`);
const blocks = Number(process.argv[3] ?? 24);
const steps = Number(process.argv[4] ?? 100);

/** The four engine entry points a step loop needs, from this tree or the other build. */
interface Api {
  buildModel: typeof buildModel;
  createLoss: typeof createLoss;
  createOptimizer: typeof createOptimizer;
  trainStep: typeof trainStep;
}
const load = async (file: string) => (await import(join(baseDir, 'engine', file))) as Record<string, unknown>;
const base = {
  ...(await load('model.ts')),
  ...(await load('losses.ts')),
  ...(await load('optimizers.ts')),
  ...(await load('step.ts')),
} as unknown as Api;
const here: Api = { buildModel, createLoss, createOptimizer, trainStep };
const baseShares = existsSync(join(baseDir, 'engine', 'kernels', 'shared-saves.ts'));

const { tf } = await initBackend('wasm');
unregisterWasmKernels(tf);
const stockIdentity = tf.getKernel('Identity', 'wasm') as KernelConfig;
registerWasmKernels(tf);
const sharingIdentity = tf.getKernel('Identity', 'wasm') as KernelConfig;
/** Sets wasm's Identity and the engine's saves as side `side` ran them. */
const sideSetup = (side: 'base' | 'here') => {
  const share = side === 'here' || baseShares;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel(share ? sharingIdentity : stockIdentity);
  if (share) installSharedSaves(tf);
  else uninstallSharedSaves(tf);
};

const data =
  process.env.BENCH_MNIST === '1'
    ? mnistPool()
    : { xs: randomData(8 * BATCH * 784, 7), ys: Int32Array.from(randomData(8 * BATCH, 11), (v) => Math.floor(v * 10)) };
const threadNs = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);

/** A model + Adam of `api`; step() trains on the next pooled batch and records loss and count. */
function trainer(api: Api) {
  const model = api.buildModel(tf, NETWORKS.mlp, { seed: 1 });
  const optimizer = api.createOptimizer(tf, OptimizerSpec.parse({ name: 'adam', learningRate: 1e-3 }));
  const lossFn = api.createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 10, numClasses: 10 });
  let i = 0;
  const seen: number[] = [];
  return {
    model,
    seen,
    async step() {
      const k = i % 8;
      const xb = tf.tensor(data.xs.subarray(k * BATCH * 784, (k + 1) * BATCH * 784), [BATCH, 784]);
      const yb = tf.tensor1d(data.ys.subarray(k * BATCH, (k + 1) * BATCH), 'int32');
      try {
        const r = await api.trainStep(tf, model, lossFn, optimizer, xb, yb, i++);
        seen.push(r.loss, r.correct);
      } finally {
        tf.dispose([xb, yb]);
      }
    },
  };
}

// Variable names are 'm<count>/…' per module copy: the other build's first model is freed so that the two names differ.
base.buildModel(tf, NETWORKS.mlp, { seed: 1 }).dispose();
const sides = { base: trainer(base), here: trainer(here) };
const order = process.env.BENCH_HERE_FIRST === '1' ? (['here', 'base'] as const) : (['base', 'here'] as const);
const times = { base: [] as number[], here: [] as number[] };
const wall = { base: [] as number[], here: [] as number[] };
for (let b = 0; b <= blocks; b++) {
  for (const side of order) {
    sideSetup(side);
    const t0 = threadNs();
    const w0 = performance.now();
    for (let s = 0; s < steps; s++) await sides[side].step();
    if (b > 0) {
      // block 0 warms up
      times[side].push((threadNs() - t0) / 1e6 / steps);
      wall[side].push((steps * BATCH * 1000) / (performance.now() - w0));
    }
  }
}
const kernels: Record<string, string> = {};
for (const side of order) {
  sideSetup(side);
  const profile = await tf.profile(() => sides[side].step());
  const counts = new Map<string, number>();
  for (const k of profile.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  kernels[side] = `${profile.kernels.length} (${[...counts].map(([n, c]) => `${n}×${c}`).join(' ')})`;
}
sideSetup('here');
const bits = (side: 'base' | 'here') =>
  sides[side].model.variables.map((v) => Buffer.from((v.dataSync() as Float32Array).slice().buffer).toString('base64')).join();
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
const ratios = times.here.map((t, i) => t / (times.base[i] as number));
const [mb, mh] = [median(times.base), median(times.here)];
console.log(`data ${process.env.BENCH_MNIST === '1' ? 'MNIST' : 'random'}, ${blocks} blocks × ${steps} steps, load average ${(loadavg()[0] ?? 0).toFixed(1)}`);
console.log(
  `main-thread CPU ms/step: base ${mb.toFixed(3)}, here ${mh.toFixed(3)} (${(100 * (mh / mb - 1)).toFixed(1)} %); median block ratio ${median(ratios).toFixed(3)}`,
);
console.log(`block ratios: ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
console.log(
  `wall, samples/s (medians of blocks): base ${median(wall.base).toFixed(0)}, here ${median(wall.here).toFixed(0)} (${median(wall.here.map((v, i) => v / (wall.base[i] as number))).toFixed(3)}× median block ratio)`,
);
console.log(`kernels per step: base ${kernels.base}`);
console.log(`                  here ${kernels.here}`);
console.log(
  `weights bit-identical: ${bits('base') === bits('here')}; loss and count identical every step: ${sides.base.seen.join() === sides.here.seen.join()}`,
);
