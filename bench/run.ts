/**
 * `npm run bench`: training throughput (samples/s) of the 784-256-128-10 MLP and a small conv net
 * (batch 128, Adam) on stock wasm, patched wasm, cpu and PyTorch (1 thread, when `import torch`
 * works), plus the engine's own ratios (diagnostics on/off, custom loop vs model.fit, wasm vs cpu).
 * Configurations are interleaved and repeated (BENCH_REPS, default 3); medians are reported, so a
 * busy machine slows every configuration alike. Then the end-to-end section (bench/e2e-section.ts:
 * `initscope train` and the seed article's sweep against PyTorch) and one line per target of issue 15.
 * BENCH_QUICK=1: one repetition, shorter measurements, no cpu / model.fit / forced-split / synthetic
 * sweep sections, and cut sweeps (for iterating; the figures of docs/benchmarks.md come from a full run).
 * Results: docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { DEFAULT_STATS_EVERY } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { registerWasmKernels, unregisterWasmKernels } from '../engine/kernels/index.js';
import { nativeGemmStatus, setNativeGemm } from '../engine/kernels/native-gemm.js';
import type { TF } from '../engine/tf.js';
import { measureTrainRun } from './diagnostics.js';
import { startTorch, type TorchRunner } from './pytorch.js';
import { measureCustomLoop, measureModelFit, mnistPool, writeTorchData, type Measurement, type Workload } from './workloads.js';
import { formatSweepThroughput, measureSweepThroughput } from './sweep-throughput.js';
import { formatQueueThroughput, formatStoreLimit, measureQueueThroughput, measureStoreLimit } from './queue-throughput.js';
import { redisServerAvailable } from '../test/unit/queue/redis-server.js';
import { BENCH_CASES, formatBatchSplit, measureBatchSplit } from './batch-split.js';
import { benchCalibration, formatTwoCores, measureTwoCorePair, twoCoreSplitter, twoPartLayout, type TwoCorePair } from './two-cores.js';
import { endToEndSection, formatTargets, type TargetLine } from './e2e-section.js';

const QUICK = process.env.BENCH_QUICK === '1';
const REPS = Number(process.env.BENCH_REPS ?? (QUICK ? 1 : 3));
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 0.75 : 1.5));

type Config =
  'wasm stock' | 'wasm patched' | 'wasm patched, no native' | 'cpu' | 'PyTorch' | 'model.fit (wasm patched)' | 'wasm patched, MNIST' | 'PyTorch, MNIST';
/** The native GEMM (engine/kernels/native-gemm.ts): part of "wasm patched" where built; "no native" measures without it. */
const NATIVE = nativeGemmStatus();
/** Configurations measured on the MLP only: the same step loop on real MNIST digits (both sides the same batches). */
const MNIST_CONFIGS: readonly Config[] = ['wasm patched, MNIST', 'PyTorch, MNIST'];
/** The MLP's MNIST batches (built on first use) and their raw copy for PyTorch. */
let mnist: { pool: ReturnType<typeof mnistPool>; file: string } | null = null;
const mnistData = () => {
  if (!mnist) {
    const pool = mnistPool();
    mnist = { pool, file: writeTorchData(pool) };
    process.once('exit', () => rmSync((mnist as { file: string }).file, { force: true }));
  }
  return mnist;
};
const samples = new Map<string, number[]>();
const failures = new Map<string, string>();
const record = (key: string, m: Measurement) => samples.set(key, [...(samples.get(key) ?? []), m.samplesPerSec]);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const med = (key: string) => (samples.has(key) ? median(samples.get(key) as number[]) : null);

/** Switches tfjs to `config`'s backend and kernel set. */
async function use(tf: TF, config: Config): Promise<void> {
  if (config === 'cpu') {
    await tf.setBackend('cpu');
    return;
  }
  await tf.setBackend('wasm');
  setNativeGemm(config !== 'wasm patched, no native');
  if (config === 'wasm stock') unregisterWasmKernels(tf);
  else registerWasmKernels(tf);
}

/** One measurement of `workload` on `config`; a failure is recorded once (with the tensors it left). */
async function measure(tf: TF, torch: TorchRunner | null, workload: Workload, config: Config): Promise<void> {
  const key = `${workload}|${config}`;
  if (failures.has(key)) return;
  if (MNIST_CONFIGS.includes(config) && workload !== 'mlp') return;
  if (config === 'PyTorch, MNIST') {
    if (torch) record(key, await torch.measure(workload, SECONDS, mnistData().file));
    return;
  }
  // cpu trains the conv net at 7–30 samples/s (4–18 s a step): it is measured in the first repetition only.
  if (config === 'cpu' && workload === 'conv' && samples.has(key)) return;
  if (config === 'PyTorch') {
    if (torch) record(key, await torch.measure(workload, SECONDS));
    return;
  }
  await use(tf, config === 'wasm patched, MNIST' ? 'wasm patched' : config);
  const before = tf.memory().numTensors;
  try {
    // One timed pair of steps is enough for the cpu conv net.
    const seconds = config === 'cpu' && workload === 'conv' ? 0 : SECONDS;
    record(
      key,
      config.startsWith('model.fit')
        ? await measureModelFit(tf, workload, workload === 'mlp' ? 60 : 12)
        : await measureCustomLoop(tf, workload, seconds, undefined, undefined, config === 'wasm patched, MNIST' ? mnistData().pool : undefined),
    );
  } catch (error) {
    const leaked = tf.memory().numTensors - before;
    failures.set(key, `${(error instanceof Error ? error.message : String(error)).split('\n')[0]} (tensors left behind: ${leaked})`);
  }
}

/** Aggregate samples/s of `count` concurrent fresh processes each training the MLP on patched wasm. */
async function childProcesses(count: number): Promise<number> {
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child-mlp'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`child exited ${code}`))));
    });
  const results = await Promise.all(Array.from({ length: count }, one));
  return results.reduce((a, b) => a + b, 0);
}

const fmt = (x: number | null, digits = 0) => (x === null ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a: number | null, b: number | null) => (a === null || b === null ? '—' : `${(a / b).toFixed(2)}×`);

async function main(): Promise<void> {
  if (process.argv.includes('--child-mlp')) {
    const { tf } = await initBackend('wasm');
    process.stdout.write(`${(await measureCustomLoop(tf, 'mlp', SECONDS * 2)).samplesPerSec}\n`);
    return;
  }
  const started = performance.now();
  const { tf, tfjsVersion } = await initBackend('wasm');
  const torchOrWhy = await startTorch();
  const torch = 'measure' in torchOrWhy ? torchOrWhy : null;
  console.log(`InitScope bench — tfjs ${tfjsVersion}, node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`);
  console.log(torch ? `PyTorch: ${torch.description}` : `PyTorch: skipped — ${(torchOrWhy as { missing: string }).missing}`);
  console.log(
    NATIVE.available
      ? 'Native GEMM: built (native/gemm.c): "wasm patched" = the engine as it runs, wasm kernels with the dense products native; "no native" = wasm only'
      : `Native GEMM: not available (${NATIVE.reason}): "wasm patched" = wasm kernels only`,
  );
  console.log(`${REPS} interleaved repetitions, ~${SECONDS} s per measurement, medians reported\n`);

  const noNative: Config[] = NATIVE.available ? ['wasm patched, no native'] : [];
  const configs: Config[] = QUICK
    ? ['wasm stock', 'wasm patched', ...noNative, 'PyTorch', ...MNIST_CONFIGS]
    : ['wasm stock', 'wasm patched', ...noNative, 'cpu', 'PyTorch', 'model.fit (wasm patched)', ...MNIST_CONFIGS];
  const startTensors = tf.memory().numTensors;
  // Measured once (or read from the data folder) before any timed run, as the host does.
  const calibration = await benchCalibration();
  // As an engine worker's: a peer thread only for a two-part layout (started before any timed run).
  const splitters = {
    mlp: await twoCoreSplitter(twoPartLayout(tf, 'mlp', calibration)),
    conv: await twoCoreSplitter(twoPartLayout(tf, 'conv', calibration)),
  };
  const pairs: Record<Workload, TwoCorePair[]> = { mlp: [], conv: [] };
  for (let rep = 1; rep <= REPS; rep++) {
    for (const workload of ['mlp', 'conv'] as const) for (const config of configs) await measure(tf, torch, workload, config);
    await use(tf, 'wasm patched');
    record('diag|off', await measureTrainRun(tf, 0));
    record('diag|on', await measureTrainRun(tf, DEFAULT_STATS_EVERY));
    record('half|mlp', await measureCustomLoop(tf, 'mlp', SECONDS, 64));
    // Two pairs per repetition, one in each order (one–two, then two–one), so every repetition is balanced.
    for (const workload of ['mlp', 'conv'] as const) {
      for (const order of [0, 1]) pairs[workload].push(await measureTwoCorePair(tf, workload, splitters[workload], calibration, order));
    }
    process.stderr.write(`  repetition ${rep}/${REPS} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  // Fresh processes on both sides (their cold start weighs the same): one alone, then two at once.
  record('one|mlp', { samplesPerSec: await childProcesses(1), steps: 0 });
  record('two|mlp', { samplesPerSec: await childProcesses(2), steps: 0 });
  await splitters.mlp.dispose();
  await splitters.conv.dispose();
  const forcedSplit = QUICK ? null : await measureBatchSplit(tf, BENCH_CASES, REPS, SECONDS);

  for (const workload of ['mlp', 'conv'] as const) {
    const title =
      workload === 'mlp' ? 'MLP 784-256-128-10 (relu, softmax), Adam, batch 128' : 'Conv net: conv 3×3×32 relu → maxpool 2 → dense 10, Adam, batch 128';
    console.log(`\n${title}`);
    console.log(`${'configuration'.padEnd(26)}${'samples/s'.padStart(12)}${'vs PyTorch'.padStart(12)}${'vs stock wasm'.padStart(15)}`);
    const torchRate = med(`${workload}|PyTorch`);
    const stock = med(`${workload}|wasm stock`);
    for (const config of configs) {
      if (MNIST_CONFIGS.includes(config) && workload !== 'mlp') continue;
      const key = `${workload}|${config}`;
      // MNIST lines compare with PyTorch on the same digits; never instead of the random-data lines.
      const reference = MNIST_CONFIGS.includes(config) ? med(`${workload}|PyTorch, MNIST`) : torchRate;
      const failure = failures.get(key);
      if (failure) {
        console.log(`${config.padEnd(26)}  fails: ${failure}`);
        continue;
      }
      const r = med(key);
      console.log(`${config.padEnd(26)}${fmt(r).padStart(12)}${ratio(r, reference).padStart(12)}${ratio(r, stock).padStart(15)}`);
    }
  }
  const wasm = (w: Workload) => med(`${w}|wasm patched`);
  console.log('\nEngine ratios (issue 3 targets in brackets)');
  console.log(`diagnostics every ${DEFAULT_STATS_EVERY} steps vs off (trainRun, MNIST MLP): ${ratio(med('diag|on'), med('diag|off'))} of throughput [≥ 0.85×]`);
  for (const w of ['mlp', 'conv'] as const) {
    console.log(
      `${w}: custom loop vs model.fit on patched wasm: ${ratio(wasm(w), med(`${w}|model.fit (wasm patched)`))} [≥ 0.90×]; wasm vs cpu: ${ratio(wasm(w), med(`${w}|cpu`))} [≥ 4×]`,
    );
  }
  console.log('\nTwo cores (patched wasm)');
  console.log(`MLP batch 64 vs batch 128 samples/s in one process: ${ratio(med('half|mlp'), wasm('mlp'))} (a 2-way batch split can at best reach 2× this)`);
  console.log(
    `two concurrent fresh processes training the MLP, aggregate vs one fresh process alone: ${ratio(med('two|mlp'), med('one|mlp'))} (${fmt(med('two|mlp'))} vs ${fmt(med('one|mlp'))} samples/s) — the engine pool's one run per core`,
  );
  if (forcedSplit) {
    console.log('every step split across two cores (trainStepSplit), custom loop:');
    console.log(formatBatchSplit(forcedSplit));
  }
  console.log(
    'one run alone in the app (trainRun on MNIST, batch 128): one core vs two cores granted (the step layout is fixed before the run by the calibrated policy, see decideSplit):',
  );
  const targets: TargetLine[] = [];
  for (const workload of ['mlp', 'conv'] as const) {
    const { line, ratio: r, layout } = formatTwoCores(workload, pairs[workload]);
    console.log(`  ${line}`);
    targets.push({ label: `two cores granted vs one, ${workload} (layout ${layout})`, value: `${r.toFixed(3)}×`, target: '≥ 0.98×', met: r >= 0.98 });
  }
  if (!QUICK) {
    console.log('\nSweep throughput (issue 6: 2 workers vs 1 on this machine, target ≥ 1.6×)');
    console.log(formatSweepThroughput(await measureSweepThroughput()));
    console.log(formatSweepThroughput(await measureSweepThroughput(undefined, undefined, 60)));
    if (redisServerAvailable()) {
      console.log('\nDistributed sweeps (issue 18: queue vs local pool with 2 workers, target ≥ 0.9×; store limit, see docs/scale-out.md)');
      console.log(formatQueueThroughput(await measureQueueThroughput()));
      console.log(formatStoreLimit(await measureStoreLimit()));
    } else {
      console.log('\nDistributed sweeps: skipped (redis-server is not installed)');
    }
  }
  const stepRatio = (w: Workload) => {
    const r = wasm(w);
    const t = med(`${w}|PyTorch`);
    return r !== null && t !== null ? r / t : NaN;
  };
  const x2 = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
  targets.push({
    label: 'MLP step loop (patched wasm) vs PyTorch step loop',
    value: x2(stepRatio('mlp')),
    target: '≥ 0.80×',
    met: Number.isFinite(stepRatio('mlp')) ? stepRatio('mlp') >= 0.8 : null,
  });
  targets.push({
    label: 'conv net step loop (patched wasm) vs PyTorch step loop',
    value: x2(stepRatio('conv')),
    target: '≥ 1.00×',
    met: Number.isFinite(stepRatio('conv')) ? stepRatio('conv') >= 1 : null,
  });
  targets.push(...(await endToEndSection(tf, torch, QUICK, REPS)));
  torch?.close();
  console.log(`\nTargets (issue 15), ratios from this run${QUICK ? ' (BENCH_QUICK: indicative only)' : ''}:\n${formatTargets(targets)}`);
  const leaked = tf.memory().numTensors - startTensors;
  console.log(
    `\nTensors left after all measurements (including those of the failures above): ${leaked}; total time ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

await main();
