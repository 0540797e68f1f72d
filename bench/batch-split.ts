/**
 * One run on two cores: samples/s of the engine's custom loop with every step split across two cores
 * (trainStepSplit: a gradient peer thread, halves) against the same loop on one core, for
 * networks and batch sizes around the split threshold (engine/parallel/split-policy.ts), with each
 * case's training work per step. Configurations are interleaved and repeated; medians are reported.
 * Run alone: `node --import tsx bench/batch-split.ts` (BENCH_REPS, BENCH_SECONDS); `npm run bench` prints
 * the two benchmark networks only.
 */
import { NetworkSpec } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { buildModel } from '../engine/model.js';
import { FULL_WASM_KERNELS } from '../engine/kernels/index.js';
import { GradientPeer } from '../engine/parallel/gradient-peer.js';
import { decideSplit, forwardMacsPerSample } from '../engine/parallel/split-policy.js';
import type { TF } from '../engine/tf.js';
import { measureNetwork, NETWORKS } from './workloads.js';

/** A case: a network (10 classes) and a batch size. */
export interface SplitCase {
  label: string;
  network: NetworkSpec;
  batch: number;
}

/** What one case measured (medians over the repetitions). */
export interface SplitResult extends SplitCase {
  /** Training work of one step: 6 × batch × forward multiply-adds (see decideSplit). */
  flopsPerStep: number;
  oneCore: number;
  twoCores: number;
  /** Whether a run in the app computes it in two parts (decideSplit's layout rule). */
  wouldSplit: boolean;
}

const mlp = (hidden: number[], input = 784): NetworkSpec =>
  NetworkSpec.parse({
    inputShape: [input],
    layers: [...hidden.map((units) => ({ type: 'dense', units, activation: { name: 'relu' } })), { type: 'dense', units: 10, activation: { name: 'softmax' } }],
  });

/** The two benchmark networks at batch 128. */
export const BENCH_CASES: SplitCase[] = [
  { label: 'MLP 784-256-128-10', network: NETWORKS.mlp, batch: 128 },
  { label: 'conv net', network: NETWORKS.conv, batch: 128 },
];

/** Cases around the threshold, small to large. */
export const THRESHOLD_CASES: SplitCase[] = [
  ...[32, 128].map((batch) => ({ label: '2-32-32-10', network: mlp([32, 32], 2), batch })),
  ...[32, 128].map((batch) => ({ label: '784-64-10', network: mlp([64]), batch })),
  ...[32, 64, 128, 256].map((batch) => ({ label: '784-256-128-10', network: NETWORKS.mlp, batch })),
  ...[64, 128].map((batch) => ({ label: '784-512-512-10', network: mlp([512, 512]), batch })),
  ...[32, 128].map((batch) => ({ label: 'conv net', network: NETWORKS.conv, batch })),
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Measures every case on one core and split across two (interleaved, `reps` repetitions of
 * `seconds` each) with one gradient peer started for the whole measurement.
 */
export async function measureBatchSplit(tf: TF, cases: readonly SplitCase[], reps: number, seconds: number): Promise<SplitResult[]> {
  const peer = new GradientPeer('wasm', FULL_WASM_KERNELS);
  if (!(await peer.ready)) throw new Error(`the gradient peer could not start: ${peer.reason}`);
  const one = cases.map((): number[] => []);
  const two = cases.map((): number[] => []);
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const [i, c] of cases.entries()) {
        one[i]!.push((await measureNetwork(tf, c.network, seconds, c.batch)).samplesPerSec);
        two[i]!.push((await measureNetwork(tf, c.network, seconds, c.batch, peer)).samplesPerSec);
      }
    }
  } finally {
    await peer.terminate();
  }
  return cases.map((c, i) => {
    const model = buildModel(tf, c.network, { seed: 1 });
    try {
      return {
        ...c,
        flopsPerStep: 6 * c.batch * forwardMacsPerSample(model),
        oneCore: median(one[i]!),
        twoCores: median(two[i]!),
        wouldSplit: decideSplit(model, c.batch, 'wasm', 'auto').split,
      };
    } finally {
      model.dispose();
    }
  });
}

/** A table of results, one line per case. */
export function formatBatchSplit(results: readonly SplitResult[]): string {
  const head = `${'network'.padEnd(18)}${'batch'.padStart(6)}${'MFLOP/step'.padStart(12)}${'1 core/s'.padStart(11)}${'2 cores/s'.padStart(11)}${'ratio'.padStart(8)}  app tries it`;
  const rows = results.map(
    (r) =>
      `${r.label.padEnd(18)}${String(r.batch).padStart(6)}${(r.flopsPerStep / 1e6).toFixed(1).padStart(12)}${Math.round(r.oneCore).toLocaleString('en-US').padStart(11)}${Math.round(r.twoCores).toLocaleString('en-US').padStart(11)}${`${(r.twoCores / r.oneCore).toFixed(2)}×`.padStart(8)}  ${r.wouldSplit ? 'yes' : 'no'}`,
  );
  return [head, ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { tf } = await initBackend('wasm');
  const results = await measureBatchSplit(tf, THRESHOLD_CASES, Number(process.env.BENCH_REPS ?? 2), Number(process.env.BENCH_SECONDS ?? 1.5));
  console.log(formatBatchSplit(results));
}
