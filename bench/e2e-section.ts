/**
 * The end-to-end section of `npm run bench` (issue 15): `initscope train` of the MLP against PyTorch's
 * epoch loop (interleaved, medians), the run's start-up, a profile of where a run's time goes, and the
 * seed article's sweep against the same trainings in PyTorch, and its throughput on 2 workers vs 1 next to
 * PyTorch's on the same runs (2 processes from one queue vs 1: bench/torch-pool.ts).
 * BENCH_QUICK=1 cuts the sweeps to one seed per cell and 2 epochs (15 runs) and repeats once;
 * BENCH_SWEEPS=0 skips the sweeps; BENCH_SWEEP_REPS=N times the 2-worker and 1-worker sweeps N times,
 * interleaved, and takes medians (default 1).
 * Standalone: `node --import tsx bench/e2e-section.ts`.
 */
import path from 'node:path';
import { ExperimentSpec } from '../contract/index.js';
import type { TF } from '../engine/tf.js';
import { trainRun } from '../engine/train.js';
import {
  cliBuilt,
  E2E,
  E2E_SAMPLES,
  e2eExperiment,
  measureCliTrain,
  measureCliSweep,
  seedArticleSweep,
  sweepRuns,
  torchCeiling,
  torchSweepRuns,
  torchSweepWall,
  TORCH_E2E,
  type CliRun,
  type CliSweep,
} from './end-to-end.js';
import { torchPython, type TorchRunner } from './pytorch.js';
import { formatRunProfile, profileRun } from './run-profile.js';
import { torchPoolSweepWall } from './torch-pool.js';

/** A figure with its target, printed on one line by run.ts. */
export interface TargetLine {
  label: string;
  value: string;
  target: string;
  met: boolean | null;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const x2 = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const atLeast = (v: number, t: number) => (Number.isFinite(v) ? v >= t : null);

/** Trains the e2e experiment in this process (the engine alone, no worker); resolves to samples/s from 'started' to 'finished'. */
async function inProcessRun(tf: TF, statsEvery: number): Promise<number> {
  let started = 0;
  let terminal = '';
  await trainRun(
    tf,
    'bench-e2e',
    ExperimentSpec.parse(e2eExperiment(statsEvery)),
    (e) => {
      if (e.type === 'started') started = performance.now();
      if (e.type === 'finished' || e.type === 'failed' || e.type === 'diverged' || e.type === 'cancelled') terminal = e.type;
    },
    () => false,
  );
  if (terminal !== 'finished') throw new Error(`in-process run: ${terminal}`);
  return E2E_SAMPLES / ((performance.now() - started) / 1000);
}

/**
 * Measures and prints the section; returns its target lines.
 * @param torch the running PyTorch reference, or null (ratios to it are then '—')
 */
export async function endToEndSection(tf: TF, torch: TorchRunner | null, quick: boolean, reps: number): Promise<TargetLine[]> {
  const log = (line = '') => console.log(line);
  log(`\nEnd to end (issue 15): MLP 784-256-128-10, Adam, batch ${E2E.batch}, MNIST ${E2E.train} train / ${E2E.val} validation, ${E2E.epochs} epochs`);
  if (!cliBuilt()) {
    log('  skipped: the app is not built (npm run build:node)');
    return [];
  }
  const torchRates: number[] = [];
  const cli = new Map<number, CliRun[]>();
  const inProc = new Map<number, number[]>();
  const push = <T>(m: Map<number, T[]>, k: number, v: T) => m.set(k, [...(m.get(k) ?? []), v]);
  for (let rep = 0; rep < reps; rep++) {
    if (torch) torchRates.push(E2E_SAMPLES / (await torch.epochLoop(TORCH_E2E)));
    for (const every of [50, 0]) {
      push(cli, every, await measureCliTrain(e2eExperiment(every), E2E_SAMPLES));
      push(inProc, every, await inProcessRun(tf, every));
    }
  }
  const torchRate = median(torchRates);
  log(`${'configuration'.padEnd(52)}${'samples/s'.padStart(10)}${'vs PyTorch'.padStart(12)}${'wall s'.padStart(8)}${'start-up s'.padStart(12)}`);
  log(`${'PyTorch epoch loop (1 thread, in-process time)'.padEnd(52)}${torchRate.toFixed(0).padStart(10)}${'1.00×'.padStart(12)}`);
  const targets: TargetLine[] = [];
  let worstStartup = 0;
  for (const every of [50, 0]) {
    const runs = cli.get(every) ?? [];
    const rate = median(runs.map((r) => r.samplesPerSec));
    const wall = median(runs.map((r) => r.wallMs / 1000));
    const startup = median(runs.map((r) => (r.wallMs - r.inRunMs) / 1000));
    worstStartup = Math.max(worstStartup, startup);
    log(
      `${`initscope train, statsEvery ${every} (in-run)`.padEnd(52)}${rate.toFixed(0).padStart(10)}${x2(rate / torchRate).padStart(12)}${wall.toFixed(2).padStart(8)}${startup.toFixed(2).padStart(12)}`,
    );
    const own = median(inProc.get(every) ?? []);
    log(`${`  the same run in this process (no worker, no store)`.padEnd(52)}${own.toFixed(0).padStart(10)}${x2(own / torchRate).padStart(12)}`);
    targets.push({
      label: `initscope train MLP end to end, statsEvery ${every}, in-run vs PyTorch epoch loop`,
      value: x2(rate / torchRate),
      target: '≥ 0.60×',
      met: atLeast(rate / torchRate, 0.6),
    });
  }
  targets.push({
    label: 'run start-up of initscope train (wall − in-run; median, the slower of statsEvery 50 and 0)',
    value: `${worstStartup.toFixed(2)} s`,
    target: '≤ 1 s',
    met: worstStartup <= 1,
  });

  for (const every of [50, 0]) {
    const profile = await profileRun(tf, every);
    log(
      `\nwhere a run's time goes (this process, statsEvery ${every}, ${(profile.totalMs / 1000).toFixed(2)} s from call to terminal event, sampling profiler):`,
    );
    log(formatRunProfile(profile));
  }

  if (process.env.BENCH_SWEEPS === '0') return targets;
  const python = torchPython();
  const full = seedArticleSweep(quick ? 1 : undefined, quick ? 2 : undefined);
  log(
    `\nSweeps: examples/seed-article.json${quick ? ' cut to 1 seed, 2 epochs (BENCH_QUICK)' : ''} — ${sweepRuns(full)} runs; \`initscope sweep --workers N\` timed from spawn to exit (node start, the CLI, workers included), like PyTorch's fresh process`,
  );
  // 2 workers and 1, interleaved BENCH_SWEEP_REPS times (default 1), medians: one pair of sweeps
  // moves by 5-10 % with the machine's load.
  const sweepReps = Math.max(1, Number(process.env.BENCH_SWEEP_REPS ?? 1));
  const twos: CliSweep[] = [];
  const ones: number[] = [];
  for (let rep = 0; rep < sweepReps; rep++) {
    twos.push(await measureCliSweep(full, 2));
    ones.push((await measureCliSweep(full, 1)).wallMs);
  }
  const sweep2 = [...twos].sort((a, b) => a.wallMs - b.wallMs)[(twos.length - 1) >> 1]!;
  if (sweepReps > 1) {
    log(
      `  ${sweepReps} interleaved pairs, 2 workers / 1 worker, s: ${twos.map((t, i) => `${(t.wallMs / 1000).toFixed(1)} / ${(ones[i]! / 1000).toFixed(1)}`).join(', ')} (medians below)`,
    );
  }
  const torchSweep = python ? await torchSweepWall(python, torchSweepRuns(full)) : NaN;
  const starts = (r: { firstStartsMs: number[] }) => r.firstStartsMs.map((ms) => (ms / 1000).toFixed(2)).join(' / ');
  log(
    `  InitScope, 2 workers: ${(sweep2.wallMs / 1000).toFixed(1)} s (first runs started at ${starts(sweep2)} s); PyTorch, the same ${sweepRuns(full)} trainings one after another in one fresh process: ${(torchSweep / 1000).toFixed(1)} s`,
  );
  targets.push({
    label: `seed-article sweep (${sweepRuns(full)} runs) on 2 workers, wall vs PyTorch one after another`,
    value: x2(sweep2.wallMs / torchSweep),
    target: '≤ 1.50×',
    met: Number.isFinite(torchSweep) ? sweep2.wallMs / torchSweep <= 1.5 : null,
  });
  // Throughput 2 workers vs 1 on the sweep just timed (the full 45 runs; BENCH_QUICK: the cut 15 × 2).
  const one = median(ones);
  const two = sweep2.wallMs;
  const throughput = one / two;
  // Two ceilings: two PyTorch processes each training the bench's epoch loop (no split, no tail), and
  // the like-for-like one: the same runs from one queue on two fresh PyTorch processes vs on one.
  const ceiling = python ? await torchCeiling(python) : NaN;
  const torchPool2 = python ? await torchPoolSweepWall(python, torchSweepRuns(full), 2) : NaN;
  const sweepCeiling = torchSweep / torchPool2;
  log(
    `  ${sweepRuns(full)} runs: 1 worker ${(one / 1000).toFixed(1)} s, 2 workers ${(two / 1000).toFixed(1)} s (${x2(throughput)}); PyTorch, the same runs from one queue: 1 process ${(torchSweep / 1000).toFixed(1)} s, 2 processes ${(torchPool2 / 1000).toFixed(1)} s (${x2(sweepCeiling)}); two PyTorch epoch loops side by side vs one: ${x2(ceiling)}`,
  );
  targets.push({
    label: `sweep throughput 2 workers vs 1 (${sweepRuns(full)} runs); ceiling: PyTorch on the same runs ${x2(sweepCeiling)} (ratio to it ${x2(throughput / sweepCeiling)}), two PyTorch epoch loops ${x2(ceiling)} (ratio ${x2(throughput / ceiling)})`,
    value: x2(throughput),
    target: '≥ 1.60× (where the ceiling reaches it)',
    met: Number.isFinite(sweepCeiling) && sweepCeiling < 1.6 ? throughput >= 0.98 * sweepCeiling : atLeast(throughput, 1.6),
  });
  return targets;
}

/** Prints target lines: `label: value [target] ok|MISSED`. */
export function formatTargets(lines: readonly TargetLine[]): string {
  return lines.map((l) => `  ${l.met === null ? '  ?   ' : l.met ? '  ok  ' : 'MISSED'} ${l.label}: ${l.value} [${l.target}]`).join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const { initBackend } = await import('../engine/backend.js');
  const { startTorch } = await import('./pytorch.js');
  const { tf } = await initBackend('wasm');
  const t = await startTorch();
  const torch = 'measure' in t ? t : null;
  const quick = process.env.BENCH_QUICK === '1';
  const targets = await endToEndSection(tf, torch, quick, Number(process.env.BENCH_REPS ?? (quick ? 1 : 3)));
  torch?.close();
  console.log(`\nTargets (issue 15)\n${formatTargets(targets)}`);
}
