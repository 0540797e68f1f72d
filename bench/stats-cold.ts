/**
 * Per-layer statistics in a fresh process (issue 15, "Statistics when cold, fourth round"): 7 records
 * of computeLayerStats (a statsEvery-50 run of the end-to-end MLP records 7 times) on the bench MLP
 * (784-256-128-10), probe 256 rows with MNIST-like sparsity (~19 % nonzero), gradients and
 * pre-update weights of the same shapes, in THIS process — run it as a fresh process each time, as a
 * worker starts cold. Prints the CPU (user + system, V8's compiler threads included) and wall time
 * of the 7 records, and per record. STATS_PATH=device runs the tf-op path (the code before this round,
 * moved to layer-stats-device.ts), `host` the host path (the default on wasm).
 *
 *   for i in 1 2 3; do for p in device host; do STATS_PATH=$p node --import tsx bench/stats-cold.ts; done; done
 */
import { NetworkSpec } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { computeLayerStats, mainWeight, type LayerStatsPath } from '../engine/diagnostics/layer-stats.js';
import { buildModel } from '../engine/model.js';
import { Random } from '../engine/random.js';
import type { Tensor } from '../engine/tf.js';
import { NETWORKS } from './workloads.js';

const path = (process.env.STATS_PATH ?? 'host') as LayerStatsPath;
const RECORDS = 7;
const PROBE = 256;
const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const { tf } = await initBackend('auto');
const model = buildModel(tf, NetworkSpec.parse(NETWORKS.mlp), { seed: 1 });
const rng = new Random(3);
const probe = tf.tensor2d(
  Float32Array.from({ length: PROBE * 784 }, () => (rng.next() < 0.19 ? rng.next() : 0)),
  [PROBE, 784],
);
const grads: Record<string, Tensor> = {};
const before = new Map<string, Tensor>();
for (const layer of model.layers) {
  for (const p of layer.params) {
    grads[p.variable.name] = tf.tensor(
      Float32Array.from({ length: p.variable.size }, () => (rng.next() - 0.5) * 1e-3),
      p.variable.shape,
    );
  }
  const w = mainWeight(layer);
  if (w)
    before.set(
      w.name,
      tf.tidy(() => tf.sub(w, tf.mul(grads[w.name]!, 1e-3))),
    );
}
const start = tf.memory().numTensors;
const perRecord: number[] = [];
const wall0 = performance.now();
const cpu0 = cpuMs();
for (let r = 0; r < RECORDS; r++) {
  const c = cpuMs();
  await computeLayerStats(tf, model, probe, grads, before, path);
  perRecord.push(cpuMs() - c);
}
const cpu = cpuMs() - cpu0;
const wall = performance.now() - wall0;
if (tf.memory().numTensors !== start) throw new Error(`leaked ${tf.memory().numTensors - start} tensors`);
console.log(
  `${path}: ${RECORDS} records CPU ${cpu.toFixed(0)} ms, wall ${wall.toFixed(0)} ms; per record CPU ms ${perRecord.map((v) => v.toFixed(0)).join(' ')}`,
);
