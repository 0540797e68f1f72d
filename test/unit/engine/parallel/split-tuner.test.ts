import { describe, expect, it } from 'vitest';
import { SplitTuner } from '../../../../engine/parallel/split-tuner.js';

/** Drives a tuner with step times from `timeOf` (by kind) for `steps` steps; returns the kinds it asked for. */
function drive(tuner: SplitTuner, steps: number, timeOf: (split: boolean, step: number) => number): boolean[] {
  const asked: boolean[] = [];
  for (let i = 0; i < steps; i++) {
    const split = tuner.wantSplit();
    asked.push(split);
    tuner.record(split, timeOf(split, i));
  }
  return asked;
}

describe('SplitTuner', () => {
  const options = { trials: 5, margin: 0.9, recheckEvery: 50, warmup: 2 };

  it('alternates while measuring, then keeps splitting when split steps are clearly faster, even through a slow phase', () => {
    const tuner = new SplitTuner(options);
    // The machine slows down 3× halfway through the measurement: adjacent pairs keep the ratio.
    const asked = drive(tuner, 14, (split, step) => (split ? 6 : 10) * (step >= 9 ? 3 : 1));
    // (2 warm-up + 5 timed) of each kind, alternating.
    expect(asked).toEqual([true, false, true, false, true, false, true, false, true, false, true, false, true, false]);
    expect(tuner.state).toBe('split');
    expect(tuner.measuredRatio).toBeCloseTo(0.6, 10);
    expect(drive(tuner, 10, () => 6).every(Boolean)).toBe(true);
  });

  it('stays on one core when splitting is not faster by the margin, and ignores warm-up outliers and one slow step', () => {
    // (The ratio is the median over adjacent pairs of split/one-core times.)
    const tuner = new SplitTuner(options);
    // Split steps: a slow warm-up, then 9.5 ms (0.95 of one core: above the 0.9 margin) with one 40 ms hiccup.
    let splitSeen = 0;
    drive(tuner, 14, (split) => (split ? (splitSeen++ < 2 ? 500 : splitSeen === 5 ? 40 : 9.5) : 10));
    expect(tuner.state).toBe('single');
    expect(tuner.measuredRatio).toBeCloseTo(0.95, 10);
    expect(drive(tuner, 10, () => 10).some(Boolean)).toBe(false);
  });

  it('ignores one-core steps it did not ask for (peer not ready yet) and measures again after recheckEvery steps', () => {
    const tuner = new SplitTuner(options);
    // The peer is unavailable for the first 10 steps: every step is one-core (and slow), whatever the tuner wants.
    for (let i = 0; i < 10; i++) tuner.record(false, 100);
    expect(tuner.state).toBe('measuring');
    expect(tuner.wantSplit()).toBe(true);
    drive(tuner, 13, (split) => (split ? 5 : 10));
    expect(tuner.state).toBe('measuring');
    drive(tuner, 1, (split) => (split ? 5 : 10));
    expect(tuner.state).toBe('split');
    // Pairs, not the ignored 100 ms steps, set the ratio.
    expect(tuner.measuredRatio).toBeCloseTo(0.5, 10);
    // After 50 decided steps the machine changed: splitting no longer pays and the tuner notices.
    drive(tuner, 50, () => 5);
    expect(tuner.state).toBe('measuring');
    drive(tuner, 14, (split) => (split ? 12 : 10));
    expect(tuner.state).toBe('single');
  });
});
