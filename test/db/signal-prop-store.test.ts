import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InitScopeError, type SignalPropRecord } from '../../contract/index.js';
import { RunStore, SignalPropStore, openDatabase } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

const record = (step: number, blocks = 3): SignalPropRecord => ({
  step,
  epoch: Math.floor(step / 10),
  blocks: Array.from({ length: blocks }, (_, b) => ({
    layer: `residual_${b + 1}`,
    index: b + 1,
    block: b,
    squaredMean: 0.01 * step * (b + 1),
    variance: 1 + b,
    branchVariance: step === 0 ? 0 : 0.5 / (b + 1),
    branchSquaredMean: step === 0 ? 0 : 0.125,
  })),
});

describe('SignalPropStore (migration 0010_resnet)', () => {
  let cleanup: () => void;
  let db: Database.Database;
  let store: SignalPropStore;
  beforeEach(() => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    db = openDatabase(join(temp.dir, 'initscope.db'));
    new RunStore(db).createRun({ id: 'r1', name: 'r1', experiment: spiralExperiment(), createdAt: '2025-01-01T00:00:00Z', appVersion: 'test' });
    store = new SignalPropStore(db);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  it('round-trips records from step 0, replaces a replayed step, downsamples by step keeping the first and last', () => {
    const records = [record(0), ...Array.from({ length: 9 }, (_, i) => record(1 + i * 10))];
    store.append('r1', records.slice(0, 5));
    store.append('r1', records.slice(4)); // step 31 written twice
    expect(store.get('r1')).toEqual(records);
    expect(db.prepare('SELECT count(*) FROM signal_prop').pluck().get()).toBe(30);
    const down = store.get('r1', 3);
    expect(down.map((r) => r.step)).toEqual([0, 41, 81]);
    expect(store.get('nope')).toEqual([]);
  });

  it('stores non-finite values as null, refuses bad records and unknown runs without writing anything', () => {
    const bad = record(5);
    bad.blocks[0]!.variance = Number.POSITIVE_INFINITY;
    bad.blocks[1]!.squaredMean = Number.NaN;
    store.append('r1', [bad]);
    const [back] = store.get('r1');
    expect(back!.blocks[0]!.variance).toBeNull();
    expect(back!.blocks[1]!.squaredMean).toBeNull();
    expect(() => store.append('r1', [{ ...record(6), step: -1 }])).toThrow(InitScopeError);
    expect(() => store.append('missing', [record(7)])).toThrow(/No run missing/);
    expect(() => store.get('r1', 1)).toThrow(/maxPoints/);
    expect(store.get('r1').map((r) => r.step)).toEqual([5]);
  });

  it("deletes a run's rows with the run (ON DELETE CASCADE)", () => {
    store.append('r1', [record(0), record(1)]);
    db.prepare("DELETE FROM runs WHERE id = 'r1'").run();
    expect(db.prepare('SELECT count(*) FROM signal_prop').pluck().get()).toBe(0);
  });
});
