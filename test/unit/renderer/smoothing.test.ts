import { describe, expect, it } from 'vitest';
import { MAX_SMOOTHING, smoothDebiased } from '../../../renderer/src/lib/smoothing.js';

describe('smoothDebiased (TensorBoard’s debiased EMA)', () => {
  it('matches a hand computation at w = 0.6', () => {
    // last₁ = 0.4·4 = 1.6, /(1 − 0.6) = 4
    // last₂ = 0.6·1.6 + 0.4·2 = 1.76, /(1 − 0.36) = 2.75
    // last₃ = 0.6·1.76 + 0.4·8 = 4.256, /(1 − 0.216) = 5.428571…
    const s = smoothDebiased([4, 2, 8], 0.6);
    expect(s[0]).toBeCloseTo(4, 12);
    expect(s[1]).toBeCloseTo(2.75, 12);
    expect(s[2]).toBeCloseTo(4.256 / 0.784, 12);
  });

  it('skips nulls without counting them, and marks them null', () => {
    // Same as [4, 2, 8] with a gap: the gap neither moves the average nor the debias count.
    const s = smoothDebiased([4, null, 2, 8, null], 0.6);
    expect(s[1]).toBeNull();
    expect(s[4]).toBeNull();
    expect(s[3]).toBeCloseTo(4.256 / 0.784, 12);
  });

  it('is the identity at 0, leaves a constant series alone, clamps the weight, and converges to a step’s new level', () => {
    expect(smoothDebiased([3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(smoothDebiased([0.7, 0.7, 0.7], 0.9)).toEqual([0.7, 0.7, 0.7]);
    expect(smoothDebiased([1, 3], 5)).toEqual(smoothDebiased([1, 3], MAX_SMOOTHING));
    const series = [...new Array<number>(50).fill(1), ...new Array<number>(500).fill(0)];
    const s = smoothDebiased(series, 0.95);
    expect(s[49]).toBeCloseTo(1, 12); // debiased: no pull towards 0 at the start
    expect(s[50]!).toBeCloseTo(0.95 * 1, 1); // one step after the drop, ~95% of the old level remains
    expect(s[549]!).toBeLessThan(1e-9);
  });
});
