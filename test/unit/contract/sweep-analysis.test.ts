import { describe, expect, it } from 'vitest';
import { analyzeSweep, type SweepDetail } from '../../../contract/index.js';

/** A 3 × 4 sweep (activation × initializer) with 2 seeds whose metric is `value(a, i, seed)`. */
function sweep(value: (a: number, i: number, seed: number) => number, diverged: (a: number, i: number) => boolean = () => false): SweepDetail {
  const runs = [];
  for (let seed = 0; seed < 2; seed++)
    for (let a = 0; a < 3; a++)
      for (let i = 0; i < 4; i++) {
        const bad = diverged(a, i);
        runs.push({
          runId: `r${seed}${a}${i}`,
          position: runs.length,
          seedIndex: seed,
          seed,
          coords: { activation: a, initializer: i },
          status: bad ? ('diverged' as const) : ('completed' as const),
          epochsDone: 1,
          metrics: { trainLoss: 0, trainAcc: 0, valLoss: 0, valAcc: bad ? null : value(a, i, seed) },
          divergedAtStep: null,
          error: null,
        });
      }
  return {
    id: 'sw_1',
    name: 's',
    axes: [
      { name: 'activation', labels: ['tanh', 'relu', 'selu'] },
      { name: 'initializer', labels: ['a', 'b', 'c', 'd'] },
    ],
    runs,
  } as unknown as SweepDetail;
}

describe('sweep analysis: permutation importance', () => {
  it('an axis the metric does not depend on has importance exactly 0; the one it does has about 2 × Var', () => {
    const result = analyzeSweep(
      sweep((a) => [0.5, 0.7, 0.9][a]!),
      'valAcc',
    );
    expect(result.n).toBe(24);
    expect(result.baselineError).toBe(0);
    expect(result.importance[0]!.axis).toBe('activation');
    // Shuffling a 3-level axis: E[(f(a) − f(a'))²] = 2·Var when a' is drawn independently, a little less
    // for a permutation (a' = a more often than chance allows for).
    expect(result.importance[0]!.relative!).toBeGreaterThan(1.6);
    expect(result.importance[0]!.relative!).toBeLessThan(2.2);
    expect(result.importance.find((x) => x.axis === 'initializer')!.importance).toBe(0);
  });

  it('seed noise is the baseline error; diverged runs take no part; the same sweep gives the same numbers', () => {
    const noisy = sweep(
      (a, i, seed) => 0.1 * i + (seed ? 0.01 : -0.01),
      (a, i) => a === 2 && i === 3,
    );
    const r = analyzeSweep(noisy, 'valAcc');
    expect(r.n).toBe(22);
    expect(r.baselineError).toBeCloseTo(1e-4, 12);
    expect(r.importance[0]!.axis).toBe('initializer');
    expect(r.runs.filter((x) => x.value === null).map((x) => x.status)).toEqual(['diverged', 'diverged']);
    expect(analyzeSweep(noisy, 'valAcc')).toEqual(r);
  });
});
