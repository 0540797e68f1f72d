import { HISTOGRAM_EDGES, type LayerStats } from '../../../contract/index.js';

/** Which histogram of a layer's outputs is drawn: over the data's own range, or the fixed −4…4 edges. */
export type HistogramMode = 'data' | 'fixed';

/** Bars ready to draw: one label (the bin's lower edge, or its range) and one fraction per bin. */
export interface HistogramBars {
  /** The mode actually drawn (`fixed` when the record has no data-range histogram, e.g. stored before it existed). */
  mode: HistogramMode;
  /** Lower edge of each bin, as a number (the first fixed bin is −∞). */
  lower: number[];
  /** Upper edge of each bin (the last fixed bin is +∞). */
  upper: number[];
  /** Fraction of the binned elements in each bin, in [0, 1]. */
  fractions: number[];
  /** The range the bars cover: the data's [min, max], or the fixed edges'. */
  min: number;
  max: number;
}

/**
 * The bars of one layer's output histogram. `data` mode uses LayerStats.rangeHistogram: equal bins over
 * the binned elements' own [min, max], so a collapsed layer (values ~1e-7) shows its shape instead of
 * two bars at 0; it falls back to the fixed HISTOGRAM_EDGES bins where the record has none.
 */
export function histogramBars(stats: LayerStats | undefined, mode: HistogramMode): HistogramBars | null {
  if (!stats) return null;
  const range = stats.rangeHistogram;
  if (mode === 'data' && range) {
    const n = range.counts.length;
    const width = (range.max - range.min) / n;
    const lower = range.counts.map((_, i) => range.min + i * width);
    const upper = range.counts.map((_, i) => (i === n - 1 ? range.max : range.min + (i + 1) * width));
    return { mode: 'data', lower, upper, fractions: [...range.counts], min: range.min, max: range.max };
  }
  const e = HISTOGRAM_EDGES;
  return {
    mode: 'fixed',
    lower: [-Infinity, ...e],
    upper: [...e, Infinity],
    fractions: [...stats.histogram],
    min: e[0] as number,
    max: e[e.length - 1] as number,
  };
}

/** A short number for an axis or a range label: `1.2e-7`, `0.35`, `-4`, `0`, `−∞`/`∞` (3 significant digits at most). */
export function formatEdge(v: number): string {
  if (v === -Infinity) return '−∞';
  if (v === Infinity) return '∞';
  if (v === 0) return '0';
  if (Math.abs(v) < 0.01 || Math.abs(v) >= 10000) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

/** The label of one bar: `[lo, hi)`, the last data bin closed. */
export function barLabel(bars: HistogramBars, i: number): string {
  const closed = bars.mode === 'data' && i === bars.fractions.length - 1;
  return `[${formatEdge(bars.lower[i] as number)}, ${formatEdge(bars.upper[i] as number)}${closed ? ']' : ')'}`;
}
