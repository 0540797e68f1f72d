import type { ExperimentSpec } from './experiment.js';

/**
 * Seed groups of a comparison: runs whose experiments are identical except for the training seed (and
 * the display name) are repeats of one configuration, so they are pooled: one colour, one band, one
 * mean ± sd. Shared by the Compare view, the HTML comparison report and the CLI.
 */

/** The experiment without what does not change the configuration: its display name and training seed. */
function withoutSeed(experiment: ExperimentSpec): unknown {
  return { ...experiment, name: '', train: { ...experiment.train, seed: 0 } };
}

/** Runs whose experiments are equal except for the name and `train.seed` share this key. */
export function seedGroupKey(experiment: ExperimentSpec): string {
  return JSON.stringify(withoutSeed(experiment));
}

/** One seed group: its members in the order given, and their seeds in increasing order (repeats kept). */
export interface RunGroup<R> {
  key: string;
  /** Position of the group in the comparison (0-based; also its colour index). */
  index: number;
  runs: R[];
  seeds: number[];
}

/**
 * The runs grouped by {@link seedGroupKey}, groups in the order their first member appears.
 * @param runs anything carrying an experiment (run summaries, report runs)
 */
export function groupRuns<R>(runs: readonly R[], experimentOf: (run: R) => ExperimentSpec): RunGroup<R>[] {
  const groups = new Map<string, RunGroup<R>>();
  for (const run of runs) {
    const experiment = experimentOf(run);
    const key = seedGroupKey(experiment);
    let group = groups.get(key);
    if (!group) {
      group = { key, index: groups.size, runs: [], seeds: [] };
      groups.set(key, group);
    }
    group.runs.push(run);
    group.seeds.push(experiment.train.seed);
  }
  for (const group of groups.values()) group.seeds.sort((a, b) => a - b);
  return [...groups.values()];
}

/** Mean, sample standard deviation (n − 1 in the denominator) and count of the finite values given. */
export interface MeanSd {
  /** null when no value is finite. */
  mean: number | null;
  /** null when fewer than 2 values are finite (one run says nothing about the spread). */
  sd: number | null;
  n: number;
}

/**
 * Mean ± sample sd of `values`, skipping null, NaN and ±Infinity (a diverged run has no final loss).
 * Two passes (mean first, then squared deviations), which is exact enough for a handful of seeds.
 */
export function meanSd(values: readonly (number | null | undefined)[]): MeanSd {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return { mean: null, sd: null, n };
  const mean = finite.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, sd: null, n };
  const ss = finite.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)), n };
}

/** Groups with at most this many runs get a small-sample warning wherever a spread or a test is shown. */
export const SMALL_SAMPLE_MAX = 3;
