import { describe, expect, it } from 'vitest';
import { MIN_CALIBRATED_SPEEDUP, thresholdFromPoints } from '../../../../engine/parallel/split-calibration.js';

describe('thresholdFromPoints', () => {
  it('is the smallest work from which every larger measured step was faster in two parts', () => {
    const points = [
      { flops: 200e6, wholeMs: 20, splitMs: 12 },
      { flops: 10e6, wholeMs: 1, splitMs: 2 },
      { flops: 50e6, wholeMs: 5, splitMs: 4 },
    ];
    expect(thresholdFromPoints(points)).toBe(50e6);
  });

  it('ignores a paying small step below a losing larger one (noise), and needs MIN_CALIBRATED_SPEEDUP', () => {
    expect(
      thresholdFromPoints([
        { flops: 10e6, wholeMs: 2, splitMs: 1 },
        { flops: 50e6, wholeMs: 5, splitMs: 6 },
        { flops: 200e6, wholeMs: 20, splitMs: 10 },
      ]),
    ).toBe(200e6);
    // whole / split = 1.01 < 1.02: does not count as paying.
    expect(MIN_CALIBRATED_SPEEDUP).toBe(1.02);
    expect(thresholdFromPoints([{ flops: 200e6, wholeMs: 10.1, splitMs: 10 }])).toBeNull();
    expect(thresholdFromPoints([{ flops: 200e6, wholeMs: 10.2, splitMs: 10 }])).toBe(200e6);
  });

  it('rejects an empty measurement', () => {
    expect(() => thresholdFromPoints([])).toThrow(/at least one/);
  });
});
