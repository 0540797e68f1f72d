import { describe, expect, it } from 'vitest';
import { HISTOGRAM_EDGES, type LayerStats } from '../../../contract/index.js';
import { barLabel, histogramBars } from '../../../renderer/src/lib/histogram-view.js';

/** A collapsed tanh layer: outputs within ±2e-7, which the fixed −4…4 edges show as two bars at 0. */
function collapsed(): LayerStats {
  const histogram = new Array<number>(HISTOGRAM_EDGES.length + 1).fill(0);
  histogram[10] = 0.45;
  histogram[11] = 0.55;
  const counts = new Array<number>(20).fill(0);
  counts[3] = 0.1;
  counts[9] = 0.4;
  counts[10] = 0.3;
  counts[19] = 0.2;
  return {
    layer: 'dense_7',
    index: 7,
    activationMean: 0,
    activationStd: 1e-7,
    zeroFraction: 0,
    deadFraction: 0,
    saturatedFraction: 0,
    histogram,
    weightStd: 0.02,
    gradientNorm: 1e-9,
    updateRatio: 1e-5,
    rangeHistogram: { min: -2e-7, max: 2e-7, counts },
  };
}

describe('histogramBars', () => {
  it('follows the data: bins span the layer’s own [min, max], with the range and bin edges in its units', () => {
    const bars = histogramBars(collapsed(), 'data')!;
    expect(bars.mode).toBe('data');
    expect([bars.min, bars.max]).toEqual([-2e-7, 2e-7]);
    expect(bars.lower).toHaveLength(20);
    bars.lower.forEach((lo, i) => expect(lo).toBeCloseTo(-2e-7 + i * 2e-8, 20));
    expect(bars.upper[19]).toBe(2e-7);
    expect(bars.fractions.filter((f) => f > 0)).toHaveLength(4); // the shape, not two bars
    expect(barLabel(bars, 0)).toBe('[-2.0e-7, -1.8e-7)');
    expect(barLabel(bars, 19)).toBe('[1.8e-7, 2.0e-7]');
  });

  it('falls back to the fixed −4…4 edges where the record has no data-range histogram (stored before it existed)', () => {
    const { rangeHistogram: _, ...old } = collapsed();
    const bars = histogramBars(old, 'data')!;
    expect(bars.mode).toBe('fixed');
    expect(bars.fractions).toEqual(old.histogram);
    expect([bars.min, bars.max]).toEqual([-4, 4]);
    expect(barLabel(bars, 0)).toBe('[−∞, -4)');
    expect(barLabel(bars, 21)).toBe('[4, ∞)');
    expect(histogramBars(collapsed(), 'fixed')!.fractions.filter((f) => f > 0)).toHaveLength(2);
    expect(histogramBars(undefined, 'data')).toBeNull();
  });
});
