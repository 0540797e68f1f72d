/**
 * Where a whole run's time goes: one trainRun of the end-to-end MLP (bench/end-to-end.ts) under V8's
 * sampling profiler (node:inspector, in this process), its samples attributed to the innermost engine
 * phase on their stack: dataset load, model build, forward + backward (computeBatchGradients),
 * finiteness check + optimizer (applyBatchGradients, statistics excluded), per-layer statistics,
 * validation, test evaluation, batching (gathering rows/labels) and the rest of the loop (tensor
 * creation, events, yields). The profiler slows JavaScript-heavy phases a little more than wasm ones.
 */
import { Session } from 'node:inspector/promises';
import { ExperimentSpec } from '../contract/index.js';
import type { TF } from '../engine/tf.js';
import { trainRun } from '../engine/train.js';
import { e2eExperiment } from './end-to-end.js';

/** Phase → the function names (innermost match wins) that mark it. */
const PHASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['per-layer statistics', ['computeLayerStats']],
  ['validation', ['evaluate']],
  ['test evaluation', ['evaluateTestPart']],
  ['forward + backward', ['computeBatchGradients']],
  ['finiteness check + optimizer', ['applyBatchGradients']],
  ['batching (gather rows, labels)', ['gatherRows', 'gatherLabels', 'fillBatch']],
  ['dataset load', ['loadDataset']],
  ['model build, recorder', ['buildModel', 'createStatsRecorder', 'createOptimizer']],
  ['loop: tensors, events, yields', ['trainRun']],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string };
  children?: number[];
}

/** Milliseconds per phase of one run, with the run's own wall time. */
export interface RunProfile {
  phases: Array<{ phase: string; ms: number }>;
  totalMs: number;
}

/**
 * Profiles one trainRun of e2eExperiment(statsEvery) on the current backend.
 * @throws if the run does not finish
 */
export async function profileRun(tf: TF, statsEvery: number): Promise<RunProfile> {
  const experiment = ExperimentSpec.parse(e2eExperiment(statsEvery));
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const t0 = performance.now();
  let terminal = '';
  await trainRun(
    tf,
    'bench-profile',
    experiment,
    (e) => {
      if (e.type === 'finished' || e.type === 'failed' || e.type === 'diverged' || e.type === 'cancelled') terminal = e.type === 'failed' ? e.error : e.type;
    },
    () => false,
  );
  const totalMs = performance.now() - t0;
  const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  session.disconnect();
  if (terminal !== 'finished') throw new Error(`profiled run did not finish: ${terminal}`);
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const c of node.children ?? []) parent.set(c, node.id);
  }
  const phaseOf = new Map<number, string | null>();
  const classify = (id: number): string | null => {
    if (phaseOf.has(id)) return phaseOf.get(id) as string | null;
    const name = byId.get(id)?.callFrame.functionName ?? '';
    // The innermost marked frame names the phase (trainRun, the outermost, only claims what nothing inside it marks).
    const own = PHASES.find(([, names]) => names.includes(name))?.[0];
    const up = parent.get(id);
    const phase = own ?? (up === undefined ? null : classify(up));
    phaseOf.set(id, phase ?? null);
    return phase ?? null;
  };
  const ms = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const phase = classify(id);
    if (phase) ms.set(phase, (ms.get(phase) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const phases = PHASES.map(([phase]) => ({ phase, ms: ms.get(phase) ?? 0 }));
  const attributed = phases.reduce((a, p) => a + p.ms, 0);
  phases.push({ phase: 'outside engine frames (GC, idle, microtasks)', ms: Math.max(0, totalMs - attributed) });
  return { phases, totalMs };
}

/** One line per phase: ms and share of the run. */
export function formatRunProfile(p: RunProfile): string {
  return p.phases
    .filter((x) => x.ms > 0.5)
    .map((x) => `    ${x.phase.padEnd(48)}${x.ms.toFixed(0).padStart(7)} ms ${((100 * x.ms) / p.totalMs).toFixed(1).padStart(5)} %`)
    .join('\n');
}
