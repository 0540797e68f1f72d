import type { HeatGrid, HeatMetric } from './diagnostics.js';

/**
 * How a depth × time heatmap maps values to colours. Stds and norms span decades (an N(0, 0.02) deep
 * tanh net's activation std falls from ~1 to ~1e-7 by its tenth layer), so they are coloured by log10: on
 * a linear scale every value below a tenth of the maximum is the same colour. Fractions keep [0, 1].
 */
export type HeatScaleKind = 'log' | 'linear' | 'fraction';

/** Metrics coloured by log10. */
export const LOG_METRICS: readonly HeatMetric[] = ['activationStd', 'gradientNorm'];

/** A colour scale: its domain in colour units (log10 of the value for `log`) and the mapping. */
export interface HeatScale {
  kind: HeatScaleKind;
  /** Lower end of the colour domain, in colour units (for `log`: log10 of the smallest positive value). */
  min: number;
  /** Upper end of the colour domain, in colour units. */
  max: number;
}

/** The smallest span of a log domain, in decades: values within 1.5× of each other are not told apart by colour. */
export const MIN_LOG_DECADES = 1;

/** The kind of scale `metric` is drawn with. */
export function scaleKind(metric: HeatMetric): HeatScaleKind {
  if (metric === 'deadFraction' || metric === 'saturatedFraction') return 'fraction';
  return LOG_METRICS.includes(metric) ? 'log' : 'linear';
}

/**
 * A value in colour units, or null where there is nothing to colour (not measured, NaN). On a log scale a
 * value ≤ 0 (a dead layer's std is exactly 0) sits at the bottom of the domain, `floor`.
 */
export function toColourUnits(kind: HeatScaleKind, value: number | null, floor: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  if (kind !== 'log') return value;
  return value > 0 ? Math.max(floor, Math.log10(value)) : floor;
}

/**
 * One colour scale for `grids` (one grid, or every run of a comparison so that equal colours mean equal
 * values). A log domain spans at least {@link MIN_LOG_DECADES} decade, ending at the largest value.
 */
export function heatScale(metric: HeatMetric, grids: readonly HeatGrid[]): HeatScale {
  const kind = scaleKind(metric);
  if (kind === 'fraction') return { kind, min: 0, max: 1 };
  let lo = Infinity;
  let hi = -Infinity;
  for (const grid of grids)
    for (const row of grid.values)
      for (const v of row) {
        if (v === null || !Number.isFinite(v) || (kind === 'log' && v <= 0)) continue;
        const x = kind === 'log' ? Math.log10(v) : v;
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
  if (!(lo <= hi)) return kind === 'log' ? { kind, min: -MIN_LOG_DECADES, max: 0 } : { kind, min: 0, max: 1 };
  if (kind === 'log') return { kind, min: Math.min(lo, hi - MIN_LOG_DECADES), max: hi };
  return { kind, min: lo, max: hi > lo ? hi : lo + 1e-6 };
}

/** Where `value` falls in the scale's colour range: 0 at the bottom, 1 at the top (null: uncoloured). */
export function colourPosition(scale: HeatScale, value: number | null): number | null {
  const x = toColourUnits(scale.kind, value, scale.min);
  if (x === null) return null;
  return Math.min(1, Math.max(0, (x - scale.min) / (scale.max - scale.min)));
}

/** A value for labels: 2 significant digits, exponent form below 0.01 and from 1,000. */
export function formatHeatValue(v: number): string {
  if (v === 0) return '0';
  return Math.abs(v) < 0.01 || Math.abs(v) >= 1000 ? v.toExponential(1) : v.toPrecision(2);
}

/** Label of a point of the scale given in colour units (`1.0e-7` for −7 on a log scale, `35%` for a fraction). */
export function scaleLabel(scale: HeatScale, x: number): string {
  if (scale.kind === 'log') return formatHeatValue(10 ** x);
  if (scale.kind === 'fraction') return `${Math.round(x * 100)}%`;
  return formatHeatValue(x);
}
