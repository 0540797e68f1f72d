/**
 * CPU-s of one seed-article training (normal × relu, SGD, batch 64, 3 epochs) in this process, after one
 * warm-up: run it alone, then two at once, to see what two processes side by side cost each other
 * (docs/benchmarks.md, "Sweep, third round"; bench/torch_pair_cpu.py is the same loop in PyTorch).
 * node --import tsx bench/pair-cpu.ts [repetitions=3]
 */
import { ExperimentSpec } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { trainRun } from '../engine/train.js';
import { seedArticleSweep } from './end-to-end.js';
import { expandSweep } from '../main/services/sweep-expand.js';

const { tf } = await initBackend('auto');
const spec = seedArticleSweep(1, 3);
const exp: ExperimentSpec = expandSweep(spec).runs[2]!.experiment; // normal × relu
const once = async () => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await trainRun(
    tf,
    'x',
    exp,
    () => undefined,
    () => false,
  );
  const c = process.cpuUsage(c0);
  return [(c.user + c.system) / 1e6, (performance.now() - t0) / 1000];
};
await once(); // warm-up
for (let i = 0; i < Number(process.argv[2] ?? 3); i++) {
  const [cpu, wall] = await once();
  console.log(`cpu ${cpu!.toFixed(3)} wall ${wall!.toFixed(3)}`);
}
