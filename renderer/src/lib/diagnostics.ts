import type { LayerSpec, LayerStatsRecord, RunSummary } from '../../../contract/index.js';
import { remediesFor, type Remedy } from './remedies.js';

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
  /** Which explanation fits the numbers (`findings.<kind>.<text>`): e.g. `explainZero` for a gradient of exactly 0. */
  text: string;
  /** What to try, leaving out what the network already does (lib/remedies.ts). */
  remedies: Remedy[];
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

/**
 * A factor ≥ 1 for text, to two significant digits with thousands separators: 2.6, 38, 2,600,
 * 480,000; from 10⁹ in exponent form (3.2e12); ∞ for an infinite factor.
 */
export function formatFactor(x: number): string {
  if (!Number.isFinite(x)) return '∞';
  if (x >= 1e9) {
    const [m, e] = x.toExponential(1).split('e');
    return `${m}e${Number(e)}`;
  }
  if (x < 10) return x.toFixed(1);
  const digits = Math.floor(Math.log10(x)) + 1;
  const rounded = Math.round(x / 10 ** (digits - 2)) * 10 ** (digits - 2);
  return rounded.toLocaleString('en-US');
}

/** A measured value for text: two significant digits, exponent form below 0.01 and from 10,000. */
export function formatMeasure(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) < 0.01 || Math.abs(v) >= 1e4) {
    const [m, e] = v.toExponential(1).split('e');
    return `${m}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(2)));
}

type RunContext = Pick<RunSummary, 'status' | 'divergedAtStep' | 'divergedLayer'> & { experiment?: { network: { layers: readonly LayerSpec[] } } };

/**
 * Names what went wrong, from the latest statistics record (and the run's divergence, if any):
 * gradients vanishing or exploding with depth (the first weight layer's gradient norm against the
 * last one's, stated as "1/2,600 of" or "2,600×"), dead ReLU units, saturated tanh/sigmoid outputs, and
 * a signal whose std collapses with depth. Suggestions take the run's network into account when given.
 */
export function diagnose(records: readonly LayerStatsRecord[], run?: RunContext | null): Finding[] {
  const findings: Finding[] = [];
  const layers = run?.experiment?.network.layers ?? null;
  const remedies = (kind: FindingKind, names: string[]) => remediesFor(kind, layers, names);
  if (run?.status === 'diverged') {
    const names = run.divergedLayer ? [run.divergedLayer] : [];
    findings.push({
      kind: 'diverged',
      severity: 'error',
      layers: names,
      step: run.divergedAtStep,
      params: { step: run.divergedAtStep ?? '?', layer: run.divergedLayer ?? '' },
      text: 'explain',
      remedies: remedies('diverged', []),
    });
  }
  const latest = records[records.length - 1];
  if (!latest) return findings;
  const withGrad = latest.layers.filter((l) => l.gradientNorm !== null && Number.isFinite(l.gradientNorm));
  if (withGrad.length >= 2) {
    const first = withGrad[0]!;
    const last = withGrad[withGrad.length - 1]!;
    const a = first.gradientNorm!;
    const b = last.gradientNorm!;
    const ratio = b > 0 ? a / b : a > 0 ? Infinity : 1;
    const biggest = withGrad.reduce((x, y) => (y.gradientNorm! > x.gradientNorm! ? y : x));
    const base = { first: first.layer, last: last.layer, firstNorm: formatMeasure(a), lastNorm: formatMeasure(b) };
    if (ratio < THRESHOLDS.vanishingRatio) {
      findings.push({
        kind: 'vanishingGradients',
        severity: 'warning',
        layers: [first.layer],
        step: latest.step,
        params: { ...base, factor: a > 0 ? formatFactor(b / a) : '∞' },
        text: a > 0 ? 'explain' : 'explainZero',
        remedies: remedies('vanishingGradients', []),
      });
    } else if (ratio > THRESHOLDS.explodingRatio || biggest.gradientNorm! > THRESHOLDS.explodingNorm) {
      findings.push({
        kind: 'explodingGradients',
        severity: 'error',
        layers: [ratio > THRESHOLDS.explodingRatio ? first.layer : biggest.layer],
        step: latest.step,
        params: { ...base, factor: formatFactor(ratio), norm: formatMeasure(biggest.gradientNorm!), layer: biggest.layer },
        text: ratio > THRESHOLDS.explodingRatio ? 'explain' : 'explainNorm',
        remedies: remedies('explodingGradients', []),
      });
    }
  }
  const dead = latest.layers.filter((l) => (l.deadFraction ?? 0) >= THRESHOLDS.deadFraction);
  if (dead.length) {
    const worst = dead.reduce((a, b) => ((b.deadFraction ?? 0) > (a.deadFraction ?? 0) ? b : a));
    const names = dead.map((l) => l.layer);
    findings.push({
      kind: 'deadRelu',
      severity: 'warning',
      layers: names,
      step: latest.step,
      params: { pct: pct(worst.deadFraction ?? 0), layer: worst.layer, n: dead.length },
      text: 'explain',
      remedies: remedies('deadRelu', names),
    });
  }
  const saturated = latest.layers.filter((l) => (l.saturatedFraction ?? 0) >= THRESHOLDS.saturatedFraction);
  if (saturated.length) {
    const worst = saturated.reduce((a, b) => ((b.saturatedFraction ?? 0) > (a.saturatedFraction ?? 0) ? b : a));
    const names = saturated.map((l) => l.layer);
    findings.push({
      kind: 'saturation',
      severity: 'warning',
      layers: names,
      step: latest.step,
      params: { pct: pct(worst.saturatedFraction ?? 0), layer: worst.layer, n: saturated.length },
      text: 'explain',
      remedies: remedies('saturation', names),
    });
  }
  const hidden = latest.layers.slice(0, -1).filter((l) => l.activationStd !== null && Number.isFinite(l.activationStd));
  if (hidden.length >= 3) {
    const first = hidden[0]!;
    const deepest = hidden[hidden.length - 1]!;
    const s0 = first.activationStd!;
    const sd = deepest.activationStd!;
    if (s0 > 0 && sd / s0 < THRESHOLDS.collapseRatio) {
      findings.push({
        kind: 'collapsingSignal',
        severity: 'warning',
        layers: [deepest.layer],
        step: latest.step,
        params: {
          factor: sd > 0 ? formatFactor(s0 / sd) : '∞',
          layer: deepest.layer,
          first: first.layer,
          firstStd: formatMeasure(s0),
          deepStd: formatMeasure(sd),
        },
        text: sd > 0 ? 'explain' : 'explainZero',
        remedies: remedies('collapsingSignal', []),
      });
    }
  }
  return findings;
}
