import { describe, expect, it } from 'vitest';
import { ExperimentSpec } from '../../../contract/index.js';
import { cellKey, RunOrder } from '../../../main/services/run-order.js';
import { expandSweep } from '../../../main/services/sweep-expand.js';
import { SweepSpec } from '../../../contract/index.js';

describe('cellKey', () => {
  it("is shared by a sweep's seeds of one grid point and by no two grid points", () => {
    const sweep = SweepSpec.parse({
      name: 'cells',
      base: {
        dataset: { builtin: 'spiral' },
        network: {
          inputShape: [2],
          layers: [
            { type: 'dense', units: 4, activation: { name: 'relu' } },
            { type: 'dense', units: 2, activation: { name: 'softmax' } },
          ],
        },
        train: { seed: 3 },
      },
      axes: { activation: [{ name: 'relu' }, { name: 'tanh' }], initializer: [{ name: 'heNormal' }, { name: 'glorotNormal' }], seeds: 3 },
    });
    const runs = expandSweep(sweep).runs;
    expect(runs).toHaveLength(12);
    const keys = runs.map((r) => cellKey(r.experiment));
    expect(new Set(keys).size).toBe(4);
    for (const run of runs) {
      const twins = runs.filter((r) => cellKey(r.experiment) === cellKey(run.experiment));
      expect(twins.map((r) => r.seed).sort()).toEqual([3, 4, 5]);
      expect(new Set(twins.map((r) => JSON.stringify(r.experiment.network)))).toHaveProperty('size', 1);
    }
  });

  it('differs when anything but the seed and the name differs', () => {
    const base = { dataset: { builtin: 'spiral' }, network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activation: { name: 'softmax' } }] } };
    const a = ExperimentSpec.parse({ ...base, name: 'a', train: { seed: 1 } });
    expect(cellKey(ExperimentSpec.parse({ ...base, name: 'b', train: { seed: 2 } }))).toBe(cellKey(a));
    expect(cellKey(ExperimentSpec.parse({ ...base, name: 'a', train: { seed: 1, batchSize: 16 } }))).not.toBe(cellKey(a));
    expect(cellKey(ExperimentSpec.parse({ ...base, name: 'a', train: { seed: 1 }, dataset: { builtin: 'xor' } }))).not.toBe(cellKey(a));
  });
});

describe('RunOrder', () => {
  it('is first in, first out until every queued run is known, then longest first (first of equals)', () => {
    const order = new RunOrder();
    expect(order.next([])).toBe(-1);
    expect(order.next([{ cell: 'a' }, { cell: 'b' }])).toBe(0);
    order.record('a', 10);
    expect(order.next([{ cell: 'a' }, { cell: 'b' }])).toBe(0);
    expect(order.next([{ cell: 'b' }, { cell: 'a' }])).toBe(0);
    order.record('b', 30);
    order.record('c', 30);
    expect(order.next([{ cell: 'a' }, { cell: 'b' }, { cell: 'c' }])).toBe(1);
    expect(order.next([{ cell: 'a' }, { cell: 'a' }])).toBe(0);
    order.record('a', 50); // the latest run of a cell counts
    expect(order.estimate('a')).toBe(50);
    expect(order.next([{ cell: 'b' }, { cell: 'a' }])).toBe(1);
    order.record('d', Number.NaN);
    expect(order.estimate('d')).toBeUndefined();
  });
});
