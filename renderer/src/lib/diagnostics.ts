import type { LayerStatsRecord, RunSummary } from '../../../contract/index.js';

/** Per-layer quantities drawn as depth × time heatmaps. */
export type HeatMetric = 'activationStd' | 'deadFraction' | 'saturatedFraction' | 'gradientNorm';
export const HEAT_METRICS: readonly HeatMetric[] = ['activationStd', 'gradientNorm', 'deadFraction', 'saturatedFraction'];

/** A depth × time grid: `values[t][d]` is layer `d` at record `t` (null where not measured). */
export interface HeatGrid {
  layers: string[];
  steps: number[];
  values: (number | null)[][];
}

/** Most time columns a heatmap draws; longer runs are sampled evenly (first and last kept). */
export const MAX_HEAT_COLUMNS = 160;

/** Indices of at most `max` evenly spaced items of `length`, always including the first and last. */
export function evenIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.round((k * (length - 1)) / (max - 1)));
}

/**
 * Builds the depth × time grid of one metric from a run's statistics records, sampled to at most
 * `maxColumns` time columns so the cost of drawing it does not grow with the run's length.
 */
export function heatGrid(all: readonly LayerStatsRecord[], metric: HeatMetric, maxColumns = MAX_HEAT_COLUMNS): HeatGrid {
  const records = evenIndices(all.length, maxColumns).map((i) => all[i]!);
  const layers = records[0]?.layers.map((l) => l.layer) ?? [];
  return {
    layers,
    steps: records.map((r) => r.step),
    values: records.map((r) => layers.map((_, d) => r.layers[d]?.[metric] ?? null)),
  };
}

/** Smallest and largest finite value over several grids (one colour scale for a comparison). */
export function gridRange(grids: readonly HeatGrid[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const g of grids)
    for (const row of g.values)
      for (const v of row)
        if (v !== null && Number.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
  return min <= max ? { min, max } : null;
}

/** What went wrong in a run, named so the UI can explain it and suggest a change. */
export type FindingKind = 'diverged' | 'vanishingGradients' | 'explodingGradients' | 'deadRelu' | 'saturation' | 'collapsingSignal';

export interface Finding {
  kind: FindingKind;
  severity: 'error' | 'warning';
  /** Layer names the finding is about (empty when it concerns the whole run). */
  layers: string[];
  /** Step at which it was seen (the divergence step, or the record examined). */
  step: number | null;
  /** Numbers for the explanation, e.g. the gradient ratio or the dead fraction in percent. */
  params: Record<string, string | number>;
}

/** Thresholds of the findings; see {@link diagnose}. */
export const THRESHOLDS = {
  /** First-to-last layer gradient-norm ratio below which gradients vanish with depth. */
  vanishingRatio: 1e-2,
  /** Gradient-norm ratio above which (or a norm above `explodingNorm`) they explode. */
  explodingRatio: 1e2,
  explodingNorm: 1e3,
  /** Fraction of units dead over the probe batch. */
  deadFraction: 0.4,
  /** Fraction of outputs in the flat tails of tanh/sigmoid. */
  saturatedFraction: 0.3,
  /** Last-to-first hidden activation-std ratio below which the signal dies out with depth. */
  collapseRatio: 1e-2,
} as const;

const pct = (v: number): number => Math.round(v * 1000) / 10;
const sci = (v: number): string => (v === 0 ? '0' : v.toExponential(1));

/**
 * Names what went wrong, from the latest statistics record (and the run's divergence, if any):
 * gradients vanishing or exploding with depth (ratio of the first weight layer's gradient norm to the
 * last one's), dead ReLU units, saturated tanh/sigmoid outputs, and a signal whose std collapses with depth.
 */
export function diagnose(records: readonly LayerStatsRecord[], run?: Pick<RunSummary, 'status' | 'divergedAtStep' | 'divergedLayer'> | null): Finding[] {
  const findings: Finding[] = [];
  if (run?.status === 'diverged') {
    findings.push({
      kind: 'diverged',
      severity: 'error',
      layers: run.divergedLayer ? [run.divergedLayer] : [],
      step: run.divergedAtStep,
      params: { step: run.divergedAtStep ?? '?', layer: run.divergedLayer ?? '' },
    });
  }
  const latest = records[records.length - 1];
  if (!latest) return findings;
  const withGrad = latest.layers.filter((l) => l.gradientNorm !== null && Number.isFinite(l.gradientNorm));
  if (withGrad.length >= 2) {
    const first = withGrad[0]!;
    const last = withGrad[withGrad.length - 1]!;
    const ratio = last.gradientNorm! > 0 ? first.gradientNorm! / last.gradientNorm! : Infinity;
    const biggest = Math.max(...withGrad.map((l) => l.gradientNorm!));
    if (ratio < THRESHOLDS.vanishingRatio) {
      findings.push({
        kind: 'vanishingGradients',
        severity: 'warning',
        layers: [first.layer],
        step: latest.step,
        params: { ratio: sci(ratio), first: first.layer, last: last.layer },
      });
    } else if (ratio > THRESHOLDS.explodingRatio || biggest > THRESHOLDS.explodingNorm) {
      findings.push({
        kind: 'explodingGradients',
        severity: 'error',
        layers: [first.layer],
        step: latest.step,
        params: { ratio: sci(ratio), norm: sci(biggest), first: first.layer, last: last.layer },
      });
    }
  }
  const dead = latest.layers.filter((l) => (l.deadFraction ?? 0) >= THRESHOLDS.deadFraction);
  if (dead.length) {
    const worst = dead.reduce((a, b) => ((b.deadFraction ?? 0) > (a.deadFraction ?? 0) ? b : a));
    findings.push({
      kind: 'deadRelu',
      severity: 'warning',
      layers: dead.map((l) => l.layer),
      step: latest.step,
      params: { pct: pct(worst.deadFraction ?? 0), layer: worst.layer, n: dead.length },
    });
  }
  const saturated = latest.layers.filter((l) => (l.saturatedFraction ?? 0) >= THRESHOLDS.saturatedFraction);
  if (saturated.length) {
    const worst = saturated.reduce((a, b) => ((b.saturatedFraction ?? 0) > (a.saturatedFraction ?? 0) ? b : a));
    findings.push({
      kind: 'saturation',
      severity: 'warning',
      layers: saturated.map((l) => l.layer),
      step: latest.step,
      params: { pct: pct(worst.saturatedFraction ?? 0), layer: worst.layer, n: saturated.length },
    });
  }
  const hidden = latest.layers.slice(0, -1).filter((l) => l.activationStd !== null && Number.isFinite(l.activationStd));
  if (hidden.length >= 3) {
    const first = hidden[0]!.activationStd!;
    const deepest = hidden[hidden.length - 1]!;
    if (first > 0 && deepest.activationStd! / first < THRESHOLDS.collapseRatio) {
      findings.push({
        kind: 'collapsingSignal',
        severity: 'warning',
        layers: [deepest.layer],
        step: latest.step,
        params: { ratio: sci(deepest.activationStd! / first), layer: deepest.layer },
      });
    }
  }
  return findings;
}
