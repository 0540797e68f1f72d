import { ExperimentSpec, NetworkSpec, type RunEvent } from '../contract/index.js';
import { FULL_WASM_KERNELS } from '../engine/kernels/index.js';
import { BatchSplitter } from '../engine/parallel/batch-splitter.js';
import type { TF } from '../engine/tf.js';
import { trainRun } from '../engine/train.js';
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
}

/**
 * Trains `workload` on MNIST with the product's trainRun — as the app runs a run that is alone in the
 * engine pool — either on one core, or with `splitter` (two cores granted: a two-part run's second
 * parts on the peer). Timed from 'started' to 'finished'.
 * @throws if the run does not finish
 */
export async function measureRunThroughput(tf: TF, workload: Workload, splitter?: BatchSplitter): Promise<RunThroughput> {
  const experiment = experimentFor(workload);
  let parts: number | null = null;
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
      }
      if (e.type === 'finished' || e.type === 'failed' || e.type === 'diverged' || e.type === 'cancelled') terminal = e;
    },
    () => false,
    undefined,
    undefined,
    splitter,
  );
  const end = performance.now();
  const t = terminal as RunEvent | null;
  if (!t || t.type !== 'finished') throw new Error(`trainRun did not finish: ${JSON.stringify(t)}`);
  return {
    samplesPerSec: (SAMPLES * EPOCHS[workload]) / ((end - started) / 1000),
    decision: parts === 2 ? 'two parts' : 'whole',
  };
}

/** A splitter allowed two cores whose peer has finished starting (so runs measure training, not start-up). */
export async function readySplitter(): Promise<BatchSplitter> {
  const splitter = new BatchSplitter({ backend: 'wasm', kernels: FULL_WASM_KERNELS, coresAllowed: () => 2 });
  if (!(await splitter.warmUp())) throw new Error('the gradient peer could not start');
  return splitter;
}
