import path from 'node:path';
import { calibrationKeyText, ExperimentSpec, NetworkSpec, type RunEvent, type SplitCalibration } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { FULL_WASM_KERNELS } from '../engine/kernels/index.js';
import { buildModel } from '../engine/model.js';
import { BatchSplitter } from '../engine/parallel/batch-splitter.js';
import { decideSplit } from '../engine/parallel/split-policy.js';
import type { TF } from '../engine/tf.js';
import { trainRun } from '../engine/train.js';
import { defaultDataDir } from '../main/app-paths.js';
import { ensureSplitCalibration } from '../main/services/split-calibrate.js';
import { NETWORKS, type Workload } from './workloads.js';

/**
 * MNIST digits per run and epochs per workload (the conv net is ~5× slower per sample): ~1.5 s of
 * training each on a quiet machine (the MLP had 8 epochs, ~0.7 s, before issue 15's two-core round).
 */
const SAMPLES = 2560;
const EPOCHS: Record<Workload, number> = { mlp: 16, conv: 5 };
/** The batch size of every measured run. */
const BATCH = 128;

/** The benchmark network on MNIST's flat [784] digits (the conv net reshapes them to 28×28×1 first). */
function experimentFor(workload: Workload): ExperimentSpec {
  const network =
    workload === 'mlp'
      ? NETWORKS.mlp
      : NetworkSpec.parse({ inputShape: [784], layers: [{ type: 'reshape', targetShape: [28, 28, 1] }, ...NETWORKS.conv.layers] });
  return ExperimentSpec.parse({
    dataset: { builtin: 'mnist', samples: SAMPLES, seed: 3 },
    network,
    train: { epochs: EPOCHS[workload], batchSize: BATCH, validationSplit: 0, statsEvery: 0, optimizer: { name: 'adam', learningRate: 1e-3 }, seed: 1 },
  });
}

/** One run's throughput, and its step layout (decided before it trains, see decideSplit). */
export interface RunThroughput {
  samplesPerSec: number;
  /** 'two parts' or 'whole' (the provenance's split.parts). */
  decision: string;
  /** The provenance's split.reason. */
  reason: string;
  /** CPU time of this process (all its threads: a two-part run's peer too) from 'started' to the end, ms. */
  cpuMs: number;
}

/**
 * Trains `workload` on MNIST with the product's trainRun — as the app runs a run that is alone in the
 * engine pool — either on one core, or with `splitter` (two cores granted: a two-part run's second
 * parts on the peer). Timed from 'started' to 'finished'.
 * @param calibration the machine's stored split calibration the step layout is decided with (as the
 *   host passes it to a run); without it, the uncalibrated rule
 * @throws if the run does not finish
 */
export async function measureRunThroughput(
  tf: TF,
  workload: Workload,
  splitter?: BatchSplitter,
  calibration?: SplitCalibration | null,
): Promise<RunThroughput> {
  const experiment = experimentFor(workload);
  let parts: number | null = null;
  let reason = '';
  let started = 0;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let terminal: RunEvent | null = null;
  await trainRun(
    tf,
    `bench-two-cores-${workload}`,
    experiment,
    (e) => {
      if (e.type === 'started') {
        started = performance.now();
        cpuAtStart = process.cpuUsage();
        parts = e.provenance?.split.parts ?? null;
        reason = e.provenance?.split.reason ?? '';
      }
      if (e.type === 'finished' || e.type === 'failed' || e.type === 'diverged' || e.type === 'cancelled') terminal = e;
    },
    () => false,
    undefined,
    undefined,
    splitter,
    undefined,
    undefined,
    undefined,
    calibration,
  );
  const end = performance.now();
  const cpu = process.cpuUsage(cpuAtStart);
  const t = terminal as RunEvent | null;
  if (!t || t.type !== 'finished') throw new Error(`trainRun did not finish: ${JSON.stringify(t)}`);
  return {
    samplesPerSec: (SAMPLES * EPOCHS[workload]) / ((end - started) / 1000),
    decision: parts === 2 ? 'two parts' : 'whole',
    reason,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/**
 * Whether trainRun will compute `workload`'s batches in two parts: decideSplit on the same network,
 * batch size, backend and calibration, decided here before any timed run (the model is freed).
 */
export function twoPartLayout(tf: TF, workload: Workload, calibration?: SplitCalibration | null): boolean {
  const experiment = experimentFor(workload);
  const model = buildModel(tf, experiment.network, { seed: experiment.train.seed });
  try {
    return decideSplit(model, BATCH, tf.getBackend(), 'auto', undefined, calibration).split;
  } finally {
    model.dispose();
  }
}

/**
 * The splitter of an engine worker whose run the pool grants two cores, as the app's worker holds one:
 * it starts no peer thread until a two-part run asks for the second core (a whole run never does). For
 * a two-part layout its peer is started and ready before the timed run, so that runs measure training,
 * not the peer's start-up; for a whole layout there is no peer at all, as in the app.
 */
export async function twoCoreSplitter(twoParts: boolean): Promise<BatchSplitter> {
  return twoParts ? readySplitter() : new BatchSplitter({ backend: 'wasm', kernels: FULL_WASM_KERNELS, coresAllowed: () => 2 });
}

/** One repetition of one core vs two cores granted, in the order given by `rep` (see measureTwoCores). */
export interface TwoCorePair {
  one: RunThroughput;
  two: RunThroughput;
}

/**
 * One core vs two cores granted for `workload`, the two measured back to back in alternating order
 * (one–two at even `rep`, two–one at odd), so that whatever the position in a pair costs (a collection
 * of the previous run's garbage, the machine's load drifting) falls on both sides equally.
 * @param splitter from twoCoreSplitter, for this workload's layout
 */
export async function measureTwoCorePair(
  tf: TF,
  workload: Workload,
  splitter: BatchSplitter,
  calibration: SplitCalibration | null | undefined,
  rep: number,
): Promise<TwoCorePair> {
  if (rep % 2 === 0) {
    const one = await measureRunThroughput(tf, workload, undefined, calibration);
    return { one, two: await measureRunThroughput(tf, workload, splitter, calibration) };
  }
  const two = await measureRunThroughput(tf, workload, splitter, calibration);
  return { one: await measureRunThroughput(tf, workload, undefined, calibration), two };
}

/** The median of `values` (NaN when empty). */
export function medianOf(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * One line per workload: samples/s medians, their ratio (two cores vs one, target ≥ 0.98×), the
 * median CPU time per run of each side and the layout.
 */
export function formatTwoCores(workload: Workload, pairs: TwoCorePair[]): { line: string; ratio: number; layout: string } {
  const one = medianOf(pairs.map((p) => p.one.samplesPerSec));
  const two = medianOf(pairs.map((p) => p.two.samplesPerSec));
  const ratio = two / one;
  const cpuOne = medianOf(pairs.map((p) => p.one.cpuMs));
  const cpuTwo = medianOf(pairs.map((p) => p.two.cpuMs));
  const last = pairs.at(-1)?.two;
  const layout = last?.decision ?? '?';
  const line =
    `${workload.padEnd(5)} one core ${one.toFixed(0)} samples/s, two cores ${two.toFixed(0)} samples/s: ${ratio.toFixed(3)}× [≥ 0.98×] ` +
    `${ratio >= 0.98 ? 'met' : 'NOT met'}; CPU per run ${cpuOne.toFixed(0)} vs ${cpuTwo.toFixed(0)} ms; ${pairs.length} pairs in alternating order; layout ${layout} (${last?.reason ?? ''})`;
  return { line, ratio, layout };
}

/** A splitter allowed two cores whose peer has finished starting (so runs measure training, not start-up). */
export async function readySplitter(): Promise<BatchSplitter> {
  const splitter = new BatchSplitter({ backend: 'wasm', kernels: FULL_WASM_KERNELS, coresAllowed: () => 2 });
  if (!(await splitter.warmUp())) throw new Error('the gradient peer could not start');
  return splitter;
}

/**
 * The machine's split calibration for the bench: the one stored in the data folder (INITSCOPE_DATA_DIR
 * or the app's), measured and stored first when there is none for this machine — before any timed run.
 */
export async function benchCalibration(): Promise<SplitCalibration> {
  const outcome = await ensureSplitCalibration(defaultDataDir());
  if (!outcome) throw new Error(`another process is still measuring the split calibration in ${defaultDataDir()}`);
  return outcome.calibration;
}

/**
 * One run alone, one core vs two cores granted, for every bench network, with the step layout decided
 * by the calibrated policy: `node --import tsx bench/two-cores.ts` (BENCH_REPS pairs, default 4; BENCH_WORKLOADS, default
 * `mlp,conv`).
 */
async function main(): Promise<void> {
  const reps = Math.max(1, Number(process.env.BENCH_REPS ?? 4));
  const calibration = await benchCalibration();
  const { tf } = await initBackend('wasm');
  const threshold = calibration.minSplitFlops === null ? 'never' : `${(calibration.minSplitFlops / 1e6).toFixed(1)} MFLOP per step`;
  console.log(`split calibration: ${calibrationKeyText(calibration.key)}, two parts from ${threshold}`);
  const workloads = (process.env.BENCH_WORKLOADS ?? 'mlp,conv').split(',').filter((w): w is Workload => w === 'mlp' || w === 'conv');
  for (const workload of workloads) {
    const splitter = await twoCoreSplitter(twoPartLayout(tf, workload, calibration));
    try {
      const pairs: TwoCorePair[] = [];
      for (let rep = 0; rep < reps; rep++) pairs.push(await measureTwoCorePair(tf, workload, splitter, calibration, rep));
      console.log(formatTwoCores(workload, pairs).line);
    } finally {
      await splitter.dispose();
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
