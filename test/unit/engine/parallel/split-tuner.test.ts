import { describe, expect, it } from 'vitest';
import { SplitTuner } from '../../../../engine/parallel/split-tuner.js';

/** Drives a tuner with step times from `timeOf` (by kind and step) for `steps` steps; returns the kinds it asked for. */
function drive(tuner: SplitTuner, steps: number, timeOf: (split: boolean, step: number) => number, from = 0): boolean[] {
  const asked: boolean[] = [];
  for (let i = 0; i < steps; i++) {
    const split = tuner.wantSplit();
    asked.push(split);
    tuner.record(split, timeOf(split, from + i));
  }
  return asked;
}

describe('SplitTuner', () => {
  // Blocks of 3 steps (2 timed), 1 warm-up block of each kind, 3 pairs: decides after (1 + 3) × 2 × 3 = 24 steps.
  const options = { pairs: 3, blockSteps: 3, warmupBlocks: 1, margin: 0.9, recheckEvery: 60 };

  it('alternates blocks while measuring, then keeps splitting when split steps are clearly faster, even through a slow phase', () => {
    const tuner = new SplitTuner(options);
    // The machine slows down 3× from step 13 on (inside a split block): adjacent blocks keep the ratio.
    const asked = drive(tuner, 24, (split, step) => (split ? 6 : 10) * (step >= 13 ? 3 : 1));
    expect(asked.slice(0, 12)).toEqual([true, true, true, false, false, false, true, true, true, false, false, false]);
    expect(tuner.state).toBe('split');
    expect(tuner.measuredRatio).toBeCloseTo(0.6, 10);
    expect(drive(tuner, 10, () => 6).every(Boolean)).toBe(true);
  });

  it('stays on one core when splitting is not faster by the margin, ignoring warm-up, block switches and one slow block', () => {
    const tuner = new SplitTuner(options);
    // Split steps: the warm-up block is very slow, each block's first step (the switch) too, one later block has a 40 ms step.
    const asked: boolean[] = [];
    let splitSteps = 0;
    for (let i = 0; i < 24; i++) {
      const split = tuner.wantSplit();
      asked.push(split);
      const t = split ? (splitSteps < 3 ? 500 : splitSteps % 3 === 0 ? 300 : splitSteps === 7 ? 40 : 9.5) : 10;
      if (split) splitSteps++;
      tuner.record(split, t);
    }
    expect(tuner.state).toBe('single');
    // Pairs: 9.5/10, (40 + 9.5)/2 / 10, 9.5/10 → median 0.95.
    expect(tuner.measuredRatio).toBeCloseTo(0.95, 10);
    expect(drive(tuner, 10, () => 10).some(Boolean)).toBe(false);
  });

  it('ignores steps of the kind it did not ask for (peer not ready yet) and measures again after recheckEvery steps', () => {
    const tuner = new SplitTuner(options);
    // The peer is unavailable for the first 10 steps: every step is one-core (and slow), whatever the tuner wants.
    for (let i = 0; i < 10; i++) tuner.record(false, 100);
    expect(tuner.state).toBe('measuring');
    expect(tuner.wantSplit()).toBe(true);
    drive(tuner, 23, (split) => (split ? 5 : 10));
    expect(tuner.state).toBe('measuring');
    drive(tuner, 1, (split) => (split ? 5 : 10));
    expect(tuner.state).toBe('split');
    expect(tuner.measuredRatio).toBeCloseTo(0.5, 10);
    // After 60 decided steps the machine has changed: splitting no longer pays, and the tuner notices.
    drive(tuner, 60, () => 5);
    expect(tuner.state).toBe('measuring');
    drive(tuner, 24, (split) => (split ? 12 : 10));
    expect(tuner.state).toBe('single');
  });
});
