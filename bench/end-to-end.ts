/**
 * End-to-end figures (issue 15): what a user waits for — a whole `initscope train` and a whole sweep —
 * next to the same work in PyTorch (bench/torch_bench.py, one thread).
 * - measureCliTrain: `initscope train` of the MLP as its own process (the compiled CLI of dist/), timed
 *   from spawn to exit (wall) and from its 'started' to its terminal event (in-run); start-up = wall − in-run.
 * - measureCliSweep: `initscope sweep` of a sweep file (examples/seed-article.json in the bench) on N
 *   workers, from spawn to exit, as a user runs it (node start, the CLI, its early workers included).
 * - measureSeedSweep: the same sweep through the host services in this process, from creating the host
 *   (workers start inside) to 'sweepFinished' (profiling scripts; the bench's figures are the CLI's).
 * - torchCeiling: two PyTorch processes side by side vs one, the machine's own two-process ceiling.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SweepSpec, type ExperimentInput } from '../contract/index.js';
import { TORCH_SCRIPT, type TorchEpochLoop } from './pytorch.js';
import { timeLocalSweep } from './sweep-host.js';
import { NETWORKS } from './workloads.js';

/** The run: MNIST 10,000 digits split 8,000 / 2,000, 5 epochs, Adam 1e-3, batch 128. */
export const E2E = { samples: 10_000, validationSplit: 0.2, train: 8_000, val: 2_000, epochs: 5, batch: 128 } as const;

/** The end-to-end MLP experiment (as a JSON-ready object) with per-layer statistics every `statsEvery` steps. */
export function e2eExperiment(statsEvery: number): ExperimentInput {
  return {
    name: `bench e2e statsEvery ${statsEvery}`,
    dataset: { builtin: 'mnist', samples: E2E.samples, seed: 7 },
    network: NETWORKS.mlp,
    train: {
      epochs: E2E.epochs,
      batchSize: E2E.batch,
      optimizer: { name: 'adam', learningRate: 1e-3 },
      loss: 'sparseCategoricalCrossentropy',
      validationSplit: E2E.validationSplit,
      seed: 1,
      statsEvery,
    },
  };
}

/** The PyTorch epoch loop of the same run. */
export const TORCH_E2E: TorchEpochLoop = { train: E2E.train, val: E2E.val, epochs: E2E.epochs, batch: E2E.batch, optimizer: 'adam', lr: 1e-3 };

/** Samples trained by one end-to-end run. */
export const E2E_SAMPLES = E2E.train * E2E.epochs;

/** One `initscope train`, timed from outside. */
export interface CliRun {
  /** Spawn to exit, ms. */
  wallMs: number;
  /** 'started' to the terminal event, ms (as the CLI printed them). */
  inRunMs: number;
  samplesPerSec: number;
}

const ROOT = new URL('..', import.meta.url);
const CLI = path.join(ROOT.pathname, 'bin', 'initscope.js');

/** Whether the compiled app (dist/) exists, which `initscope train` needs. */
export function cliBuilt(): boolean {
  return existsSync(new URL('dist/main/cli/main.js', ROOT));
}

/**
 * Runs `initscope train --json` on `experiment` with a fresh database in a temporary folder.
 * @throws if the run does not finish or the process fails
 */
export async function measureCliTrain(experiment: ExperimentInput, samples: number): Promise<CliRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-bench-e2e-'));
  try {
    const file = path.join(dir, 'experiment.json');
    writeFileSync(file, JSON.stringify(experiment));
    const t0 = performance.now();
    let started = 0;
    let ended = 0;
    let terminal = '';
    await runCliLines([CLI, 'train', file, '--db', path.join(dir, 'bench.db'), '--json'], (line) => {
      const type = (JSON.parse(line) as { type: string }).type;
      if (type === 'started') started = performance.now();
      if (['finished', 'failed', 'diverged', 'cancelled'].includes(type)) {
        ended = performance.now();
        terminal = type === 'failed' ? `failed: ${line}` : type;
      }
    }).catch((e: Error) => {
      throw new Error(`initscope train: ${terminal} ${e.message}`);
    });
    const wallMs = performance.now() - t0;
    if (terminal !== 'finished' || !started) throw new Error(`initscope train did not finish: ${terminal}`);
    return { wallMs, inRunMs: ended - started, samplesPerSec: samples / ((ended - started) / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one `torch_bench.py --once` process on `request`; resolves to its in-process seconds and its wall ms (spawn to exit). */
function torchOnce(python: string, request: Record<string, unknown>): Promise<{ seconds: number; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(python, [TORCH_SCRIPT, '--once', JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve({ seconds: (JSON.parse(out) as { seconds: number }).seconds, wallMs: performance.now() - t0 })
        : reject(new Error(`torch_bench.py exited ${code}`)),
    );
  });
}

/** Wall ms of a fresh Python process training `runs` one after another (interpreter and torch import included). */
export async function torchSweepWall(python: string, runs: readonly TorchEpochLoop[]): Promise<number> {
  return (await torchOnce(python, { task: 'sweep', runs })).wallMs;
}

/**
 * The machine's two-process ceiling: aggregate throughput of two PyTorch processes training the epoch
 * loop side by side, ÷ one such process alone (the same script, one after the other).
 */
export async function torchCeiling(python: string, request: TorchEpochLoop = TORCH_E2E): Promise<number> {
  const req = { task: 'epochs', ...request };
  const alone = (await torchOnce(python, req)).seconds;
  const pair = (await Promise.all([torchOnce(python, req), torchOnce(python, req)])).map((r) => r.seconds);
  return 2 / Math.max(...pair) / (1 / alone);
}

/** The seed article's sweep (examples/seed-article.json), optionally cut to `seeds` seeds per cell and `epochs` epochs. */
export function seedArticleSweep(seeds?: number, epochs?: number): SweepSpec {
  const raw = JSON.parse(readFileSync(new URL('examples/seed-article.json', ROOT), 'utf8')) as {
    base: { train: Record<string, unknown> };
    axes: Record<string, unknown>;
  };
  if (seeds !== undefined) raw.axes.seeds = seeds;
  if (epochs !== undefined) raw.base.train.epochs = epochs;
  return SweepSpec.parse(raw);
}

/** Number of runs a sweep expands to (axes given here: initializer × activation × seeds). */
export function sweepRuns(spec: SweepSpec): number {
  return (spec.axes.initializer?.length ?? 1) * (spec.axes.activation?.length ?? 1) * spec.axes.seeds;
}

/** The same trainings as PyTorch epoch loops (activation, initializer, seed per run; data sizes of the sweep's base). */
export function torchSweepRuns(spec: SweepSpec): TorchEpochLoop[] {
  const base = spec.base;
  const samples = (base.dataset as { samples: number }).samples;
  const val = Math.round(samples * base.train.validationSplit);
  const runs: TorchEpochLoop[] = [];
  for (const init of spec.axes.initializer ?? [{ name: 'glorotNormal' }]) {
    for (const act of spec.axes.activation ?? [{ name: 'relu' }]) {
      for (let s = 0; s < spec.axes.seeds; s++) {
        runs.push({
          train: samples - val,
          val,
          epochs: base.train.epochs,
          batch: base.train.batchSize,
          optimizer: base.train.optimizer.name === 'adam' ? 'adam' : 'sgd',
          lr: base.train.optimizer.learningRate,
          activation: act.name,
          init: init.name,
          ...(init.name === 'normal' ? { std: (init as { std: number }).std } : {}),
          seed: base.train.seed + s,
        });
      }
    }
  }
  return runs;
}

/** One `initscope sweep`, timed from outside. */
export interface CliSweep {
  /** Spawn to exit, ms. */
  wallMs: number;
  /** Spawn to the first `started` event of each of the first `workers` runs, ms (when the workers began training). */
  firstStartsMs: number[];
}

/**
 * Runs `initscope sweep <spec> --workers N --json` (the compiled CLI of dist/, as a user would) with a
 * fresh database in a temporary folder: wall from spawn to exit, like PyTorch's fresh process in
 * {@link torchSweepWall} (interpreter start and imports included on both sides).
 * @param bin the CLI entry (default this tree's bin/initscope.js; the bench's A/B runs pass another tree's)
 * @throws if the process fails or a run failed
 */
export async function measureCliSweep(spec: SweepSpec, workers: number, bin = CLI): Promise<CliSweep> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-bench-cli-sweep-'));
  try {
    const file = path.join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify(spec));
    const t0 = performance.now();
    const firstStartsMs: number[] = [];
    await runCliLines([bin, 'sweep', file, '--workers', String(workers), '--db', path.join(dir, 'bench.db'), '--json'], (line) => {
      if (firstStartsMs.length < workers && line.includes('"type":"started"')) firstStartsMs.push(performance.now() - t0);
    });
    return { wallMs: performance.now() - t0, firstStartsMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Wall ms of `spec` on `workers` engine workers over a fresh database: from creating the host (its
 * workers start inside) to 'sweepFinished'.
 * @throws if some run fails (a diverged run is a result)
 */
export async function measureSeedSweep(spec: SweepSpec, workers: number): Promise<number> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'initscope-bench-seed-sweep-'));
  try {
    return await timeLocalSweep(root, spec, sweepRuns(spec), workers, true);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Runs `node args…` and hands each line of its stdout to `onLine` as it arrives.
 * @throws (rejects) when the process cannot start or exits non-zero, with the end of its stderr
 */
function runCliLines(args: readonly string[], onLine: (line: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        onLine(line);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? '')} ${args[1] ?? ''} exited ${code}: ${stderr.slice(-500)}`)),
    );
  });
}
