import { describe, expect, it } from 'vitest';
import { SweepAxes } from '../../../contract/index.js';
import { MAX_AXIS_VALUES, MAX_SEEDS, NUMBER_AXES, parseNumberList } from '../../../renderer/src/stores/sweeps.js';

// The sweep form's checks come from the contract's SWEEP_LIMITS: at every bound, the form accepts
// exactly what the contract's SweepAxes schema accepts.
describe('sweep form limits = contract limits', () => {
  it.each(Object.entries(NUMBER_AXES))('%s: the form and SweepAxes agree at both ends', (axis, { rule }) => {
    const step = 'integer' in rule ? 1 : 1e-9;
    const probes = [rule.min - step, rule.min, rule.min + step, rule.max - step, rule.max, rule.max + step];
    for (const value of probes) {
      const form = parseNumberList(String(value), rule).problem === null;
      const contract = SweepAxes.safeParse({ [axis]: [value] }).success;
      expect(form, `${axis} = ${value}`).toBe(contract);
    }
  });

  it('values per axis and seeds', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(parseNumberList(list(MAX_AXIS_VALUES).join(','), NUMBER_AXES.batchSize.rule).problem).toBeNull();
    expect(SweepAxes.safeParse({ batchSize: list(MAX_AXIS_VALUES) }).success).toBe(true);
    expect(parseNumberList(list(MAX_AXIS_VALUES + 1).join(','), NUMBER_AXES.batchSize.rule).problem?.code).toBe('tooMany');
    expect(SweepAxes.safeParse({ batchSize: list(MAX_AXIS_VALUES + 1) }).success).toBe(false);
    expect(SweepAxes.safeParse({ seeds: MAX_SEEDS }).success).toBe(true);
    expect(SweepAxes.safeParse({ seeds: MAX_SEEDS + 1 }).success).toBe(false);
  });
});
