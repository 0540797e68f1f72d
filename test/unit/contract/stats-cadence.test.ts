import { describe, expect, it } from 'vitest';
import { AUTO_STATS_RECORDS, resolveStatsEvery, stepLossWindow } from '../../../contract/index.js';

/** Steps at which the engine records layer statistics for every K: step 1 and every K-th step (engine/diagnostics/recorder.ts). */
function recordedSteps(totalSteps: number, every: number): number {
  let n = 0;
  for (let step = 1; step <= totalSteps; step++) if (step === 1 || step % every === 0) n++;
  return n;
}

describe("statsEvery 'auto' and the step-loss windows", () => {
  it('gives every run at least ~40 diagnostics time points (every step of a shorter run), short or long', () => {
    // 4 MNIST epochs of batch 32 (6000 steps) were sampled at 2 steps before 'auto'.
    for (const total of [1, 7, 39, 40, 41, 79, 80, 150, 1600, 6000, 60_000, 1_000_000]) {
      const n = recordedSteps(total, resolveStatsEvery('auto', total));
      expect(n, `${total} steps`).toBeGreaterThanOrEqual(Math.min(total, AUTO_STATS_RECORDS));
      expect(n, `${total} steps`).toBeLessThanOrEqual(2 * AUTO_STATS_RECORDS + 1);
    }
  });

  it('keeps every run under ~1000 per-step loss points, one per step up to 1000 steps', () => {
    expect(stepLossWindow(0)).toBe(1);
    expect(stepLossWindow(1000)).toBe(1);
    expect(stepLossWindow(1001)).toBe(2);
    for (const total of [1, 999, 1001, 6000, 123_457, 10_000_000])
      expect(Math.floor(total / stepLossWindow(total)), `${total} steps`).toBeLessThanOrEqual(1000);
    expect(() => stepLossWindow(-1)).toThrow(/totalSteps/);
  });
});
