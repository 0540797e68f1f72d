/**
 * A fresh process's first run against its later ones (issue 15, "A whole run, third round"): the
 * end-to-end MLP (bench/end-to-end.ts) trained with trainRun RUNS times in this process (a fresh one,
 * like an `initscope train` worker), printing per run its in-run wall time and this process's CPU
 * time per epoch (user + system, from 'started'; V8's background compiler threads included).
 *
 *   node --import tsx bench/cold-run.ts            # statsEvery 50, 3 runs
 *   STATS_EVERY=0 RUNS=2 node --import tsx bench/cold-run.ts
 */
import { ExperimentSpec } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { trainRun } from '../engine/train.js';
import { E2E_SAMPLES, e2eExperiment } from './end-to-end.js';

const statsEvery = Number(process.env.STATS_EVERY ?? 50);
const runs = Number(process.env.RUNS ?? 3);
const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const { tf } = await initBackend('auto');
const experiment = ExperimentSpec.parse(e2eExperiment(statsEvery));
console.log(`trainRun of the end-to-end MLP, statsEvery ${statsEvery}, ${runs} runs in one fresh process`);
for (let run = 1; run <= runs; run++) {
  let wall0 = 0;
  let cpu0 = 0;
  let last = 0;
  const epochs: number[] = [];
  let terminal = '';
  await trainRun(
    tf,
    `cold-${run}`,
    experiment,
    (e) => {
      if (e.type === 'started') {
        wall0 = performance.now();
        cpu0 = last = cpuMs();
      } else if (e.type === 'progress') {
        const now = cpuMs();
        epochs.push(now - last);
        last = now;
      } else if (e.type === 'finished' || e.type === 'failed' || e.type === 'diverged' || e.type === 'cancelled') {
        terminal = e.type === 'failed' ? `failed: ${e.error}` : e.type;
      }
    },
    () => false,
  );
  if (terminal !== 'finished') throw new Error(`run ${run}: ${terminal}`);
  const wall = performance.now() - wall0;
  console.log(
    `  run ${run}: in-run ${wall.toFixed(0)} ms (${(E2E_SAMPLES / (wall / 1000)).toFixed(0)} samples/s), CPU ${(cpuMs() - cpu0).toFixed(0)} ms; per epoch CPU ms ${epochs.map((v) => v.toFixed(0)).join(' ')}`,
  );
}
