import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTOGRAM_EDGES, InitScopeError, type LayerStats, type LayerStatsRecord } from '../../contract/index.js';
import { LayerStatsStore, RunStore, openDatabase, readSchemaVersion } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

function layer(index: number, step: number, overrides: Partial<LayerStats> = {}): LayerStats {
  const histogram = new Array(HISTOGRAM_EDGES.length + 1).fill(0) as number[];
  histogram[11] = 0.75;
  histogram[12] = 0.25;
  return {
    layer: `dense_${index}`,
    index,
    activationMean: 0.01 * step,
    activationStd: 0.5 + index / 10,
    zeroFraction: 0.25,
    deadFraction: 0.125,
    saturatedFraction: index === 1 ? 0.03 : null,
    histogram,
    weightStd: 0.2,
    gradientNorm: 1 / step,
    updateRatio: 0.001,
    ...overrides,
  };
}
const record = (step: number): LayerStatsRecord => ({ step, epoch: Math.floor(step / 10), layers: [layer(0, step), layer(1, step)] });

describe('LayerStatsStore (migration 0002)', () => {
  let cleanup: () => void;
  let db: Database.Database;
  let stats: LayerStatsStore;
  beforeEach(() => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    db = openDatabase(join(temp.dir, 'initscope.db'));
    const runs = new RunStore(db);
    runs.createRun({ id: 'r1', name: 'r1', experiment: spiralExperiment(), createdAt: '2025-01-01T00:00:00Z', appVersion: 'test' });
    stats = new LayerStatsStore(db);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  it('migrates to at least version 2 with a layer_stats table', () => {
    expect(readSchemaVersion(db)).toBeGreaterThanOrEqual(2);
    const columns = db.prepare("SELECT name FROM pragma_table_info('layer_stats')").pluck().all();
    expect(columns).toEqual(expect.arrayContaining(['run_id', 'step', 'layer_index', 'activation_std', 'gradient_norm', 'update_ratio', 'histogram_json']));
  });

  it('round-trips records (nulls and histogram included), replaces a replayed step, and downsamples by step', () => {
    const records = Array.from({ length: 20 }, (_, i) => record(1 + i * 5));
    stats.append('r1', records.slice(0, 10));
    stats.append('r1', records.slice(9)); // step 46 written twice
    expect(stats.get('r1')).toEqual(records);
    const down = stats.get('r1', 4);
    expect(down.map((r) => r.step)).toEqual([1, 31, 66, 96]); // evenly spaced indices 0, 6, 13, 19
    expect(down[1]).toEqual(records[6]);
    expect(db.prepare('SELECT count(*) FROM layer_stats').pluck().get()).toBe(40);
  });

  it('stores non-finite numbers as null and refuses unknown runs and bad steps without writing', () => {
    stats.append('r1', [{ step: 3, epoch: 0, layers: [layer(0, 3, { gradientNorm: Number.NaN, updateRatio: Number.POSITIVE_INFINITY })] }]);
    expect(stats.get('r1')[0]!.layers[0]).toMatchObject({ gradientNorm: null, updateRatio: null });
    expect(() => stats.append('nope', [record(1)])).toThrow(InitScopeError);
    expect(() => stats.append('r1', [{ ...record(1), step: -1 }])).toThrow(/step and epoch must be integers/);
    expect(stats.get('nope')).toEqual([]);
    expect(() => stats.get('r1', 1)).toThrow(/maxPoints/);
  });

  it('goes with its run when the run is deleted', () => {
    stats.append('r1', [record(1)]);
    new RunStore(db).deleteRun('r1');
    expect(db.prepare('SELECT count(*) FROM layer_stats').pluck().get()).toBe(0);
  });
});
