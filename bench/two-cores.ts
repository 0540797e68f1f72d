import path from 'node:path';
import { calibrationKeyText, ExperimentSpec, NetworkSpec, type RunEvent, type SplitCalibration } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { FULL_WASM_KERNELS } from '../engine/kernels/index.js';
import { BatchSplitter } from '../engine/parallel/batch-splitter.js';
import type { TF } from '../engine/tf.js';
import { trainRun } from '../engine/train.js';
import { defaultDataDir } from '../main/app-paths.js';
import { ensureSplitCalibration } from '../main/services/split-calibrate.js';
import { NETWORKS, type Workload } from './workloads.js';

/** MNIST digits per run and epochs per workload (the conv net is ~5× slower per sample). */
const SAMPLES = 2560;
const EPOCHS: Record<Workload, number> = { mlp: 8, conv: 5 };

/** The benchmark network on MNIST's flat [784] digits (the conv net reshapes them to 28×28×1 first). */
function experimentFor(workload: Workload): ExperimentSpec {
  const network =
    workload === 'mlp'
      ? NETWORKS.mlp
      : NetworkSpec.parse({ inputShape: [784], layers: [{ type: 'reshape', targetShape: [28, 28, 1] }, ...NETWORKS.conv.layers] });
  return ExperimentSpec.parse({
    dataset: { builtin: 'mnist', samples: SAMPLES, seed: 3 },
    network,
    train: { epochs: EPOCHS[workload], batchSize: 128, validationSplit: 0, statsEvery: 0, optimizer: { name: 'adam', learningRate: 1e-3 }, seed: 1 },
  });
}

/** One run's throughput, and its step layout (decided before it trains, see decideSplit). */
export interface RunThroughput {
  samplesPerSec: number;
  /** 'two parts' or 'whole' (the provenance's split.parts). */
  decision: string;
  /** The provenance's split.reason. */
  reason: string;
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
  let terminal: RunEvent | null = null;
  await trainRun(
    tf,
    `bench-two-cores-${workload}`,
    experiment,
    (e) => {
      if (e.type === 'started') {
        started = performance.now();
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
  const t = terminal as RunEvent | null;
  if (!t || t.type !== 'finished') throw new Error(`trainRun did not finish: ${JSON.stringify(t)}`);
  return {
    samplesPerSec: (SAMPLES * EPOCHS[workload]) / ((end - started) / 1000),
    decision: parts === 2 ? 'two parts' : 'whole',
    reason,
  };
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
 * by the calibrated policy: `node --import tsx bench/two-cores.ts` (BENCH_REPS, default 1).
 */
async function main(): Promise<void> {
  const reps = Math.max(1, Number(process.env.BENCH_REPS ?? 1));
  const calibration = await benchCalibration();
  const { tf } = await initBackend('wasm');
  const threshold = calibration.minSplitFlops === null ? 'never' : `${(calibration.minSplitFlops / 1e6).toFixed(1)} MFLOP per step`;
  console.log(`split calibration: ${calibrationKeyText(calibration.key)}, two parts from ${threshold}`);
  const splitter = await readySplitter();
  try {
    for (const workload of ['mlp', 'conv'] as const) {
      const one: number[] = [];
      const two: number[] = [];
      let last: RunThroughput | null = null;
      for (let rep = 0; rep < reps; rep++) {
        one.push((await measureRunThroughput(tf, workload, undefined, calibration)).samplesPerSec);
        last = await measureRunThroughput(tf, workload, splitter, calibration);
        two.push(last.samplesPerSec);
      }
      const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;
      const ratio = med(two) / med(one);
      console.log(
        `${workload.padEnd(5)} one core ${med(one).toFixed(0)} samples/s, two cores ${med(two).toFixed(0)} samples/s: ${ratio.toFixed(2)}× [≥ 0.98×] ${ratio >= 0.98 ? 'met' : 'NOT met'}; layout ${last?.decision} (${last?.reason})`,
      );
    }
  } finally {
    await splitter.dispose();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
