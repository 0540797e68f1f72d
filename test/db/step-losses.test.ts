import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTOGRAM_EDGES, InitScopeError, type LayerStats } from '../../contract/index.js';
import { defaultMigrationsDir, LayerStatsStore, listMigrationFiles, openDatabase, readSchemaVersion, RunStore, StepLossStore } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

/** This change's migration, whatever number the merge gives it. */
const CHARTS = listMigrationFiles(defaultMigrationsDir()).find((m) => m.file.endsWith('_charts.sql'))!;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = makeTempDir()));
afterEach(() => cleanup());

const T0 = '2026-01-02T03:04:05.000Z';

function layer(index: number, extra: Partial<LayerStats> = {}): LayerStats {
  const histogram = new Array(HISTOGRAM_EDGES.length + 1).fill(0) as number[];
  histogram[10] = 0.5;
  histogram[11] = 0.5;
  return {
    layer: `dense_${index}`,
    index,
    activationMean: 0,
    activationStd: 1e-7,
    zeroFraction: 0,
    deadFraction: 0,
    saturatedFraction: 0,
    histogram,
    weightStd: 0.02,
    gradientNorm: 1e-9,
    updateRatio: 1e-4,
    ...extra,
  };
}

function openWithRun(): { db: Database.Database; runs: RunStore } {
  const db = openDatabase(join(dir, 'initscope.db'));
  const runs = new RunStore(db);
  runs.createRun({ id: 'r1', name: 'r1', experiment: spiralExperiment(), createdAt: T0, appVersion: 'test' });
  return { db, runs };
}

describe(`migration ${CHARTS.file}`, () => {
  it('keeps the layer statistics stored before it (read without distributions); step losses check their step and cascade with their run', () => {
    // A database at the version before this migration, with a run and one layer-stats row.
    const migrations = join(dir, 'migrations-before');
    mkdirSync(migrations);
    for (const m of listMigrationFiles(defaultMigrationsDir()).filter((m) => m.version < CHARTS.version)) copyFileSync(m.path, join(migrations, m.file));
    const path = join(dir, 'initscope.db');
    const old = openDatabase(path, { migrationsDir: migrations });
    // Plain SQL: today's RunStore reads columns of later migrations.
    const spec = JSON.stringify(spiralExperiment());
    old.prepare(`INSERT INTO experiments (id, name, kind, spec_json, created_at) VALUES ('r1', 'r1', 'single', ?, ?)`).run(spec, T0);
    old
      .prepare(
        `INSERT INTO runs (id, experiment_id, name, status, experiment_json, seed, app_version, created_at) VALUES ('r1', 'r1', 'r1', 'completed', ?, 1, 'test', ?)`,
      )
      .run(spec, T0);
    old
      .prepare(
        `INSERT INTO layer_stats (run_id, step, epoch, layer_index, layer, activation_mean, activation_std, zero_fraction, dead_fraction,
           saturated_fraction, weight_std, gradient_norm, update_ratio, histogram_json) VALUES ('r1', 5, 0, 0, 'dense_0', 0, 0.5, 0, 0, NULL, 0.1, 0.2, 0.003, ?)`,
      )
      .run(JSON.stringify(layer(0).histogram));
    const before = old.prepare('SELECT * FROM layer_stats').all();
    expect(readSchemaVersion(old)).toBe(CHARTS.version - 1);
    old.close();

    const db = openDatabase(path);
    expect(readSchemaVersion(db)).toBeGreaterThanOrEqual(CHARTS.version);
    const after = db.prepare('SELECT * FROM layer_stats').all() as Record<string, unknown>[];
    expect(after.map(({ distributions_json, ...rest }) => (expect(distributions_json).toBeNull(), rest))).toEqual(before);
    const [record] = new LayerStatsStore(db).get('r1');
    expect(record!.layers[0]).not.toHaveProperty('rangeHistogram');
    expect(record!.layers[0]!.updateRatio).toBe(0.003);

    const insert = (step: number, loss: number | null) => db.prepare('INSERT INTO step_losses (run_id, step, loss) VALUES (?, ?, ?)').run('r1', step, loss);
    expect(() => insert(0, 1)).toThrow(/CHECK/);
    insert(1, 0.7);
    insert(2, null);
    expect(() => db.prepare(`UPDATE layer_stats SET distributions_json = '{oops' WHERE run_id = 'r1'`).run()).toThrow(/CHECK/);
    new RunStore(db).deleteRun('r1');
    expect(db.prepare('SELECT COUNT(*) FROM step_losses').pluck().get()).toBe(0);
    db.close();
  });
});

describe('StepLossStore', () => {
  it('stores points idempotently, keeps a divergence as null, downsamples evenly with the last point kept', () => {
    const { db } = openWithRun();
    const store = new StepLossStore(db);
    const points = Array.from({ length: 100 }, (_, i) => ({ step: i + 1, loss: 2 / (i + 1) }));
    store.append('r1', points.slice(0, 60));
    store.append('r1', points.slice(50)); // a replay of 51..60 replaces, never duplicates
    store.append('r1', [{ step: 101, loss: Number.NaN }]);
    const all = store.get('r1');
    expect(all).toHaveLength(101);
    expect(all.slice(0, 100)).toEqual(points);
    expect(all[100]).toEqual({ step: 101, loss: null });
    const few = store.get('r1', 11);
    expect(few.map((p) => p.step)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91, 101]);
    expect(few[10]!.loss).toBeNull();
    expect(store.get('nope')).toEqual([]);
    db.close();
  });

  it('refuses a bad step or an unknown run and writes nothing', () => {
    const { db } = openWithRun();
    const store = new StepLossStore(db);
    expect(() =>
      store.append('r1', [
        { step: 1, loss: 1 },
        { step: 0, loss: 1 },
      ]),
    ).toThrow(/step must be an integer >= 1, got 0/);
    expect(() => store.append('ghost', [{ step: 1, loss: 1 }])).toThrow(InitScopeError);
    expect(() => store.get('r1', 1)).toThrow(/maxPoints/);
    expect(store.get('r1')).toEqual([]);
    db.close();
  });
});

describe('LayerStatsStore distributions', () => {
  it('round-trips the data-range histogram and the weight/gradient percentiles; a non-finite list is stored as null', () => {
    const { db } = openWithRun();
    const store = new LayerStatsStore(db);
    const rangeHistogram = { min: -2.5e-7, max: 3e-7, counts: Array.from({ length: 20 }, (_, i) => (i === 9 || i === 10 ? 0.5 : 0)) };
    const weightPercentiles = [-0.06, -0.03, -0.02, -0.01, 0, 0.01, 0.02, 0.03, 0.06];
    const a = layer(0, { rangeHistogram, weightPercentiles, gradientPercentiles: [Number.NaN, 0, 0, 0, 0, 0, 0, 0, 1] });
    const b = layer(1, { rangeHistogram: null, weightPercentiles: null, gradientPercentiles: null });
    store.append('r1', [{ step: 1, epoch: 0, layers: [a, b] }]);
    const [record] = store.get('r1');
    expect(record!.layers[0]).toMatchObject({ rangeHistogram, weightPercentiles, gradientPercentiles: null });
    expect(record!.layers[1]).not.toHaveProperty('rangeHistogram'); // nothing to store: read like an older row
    db.close();
  });
});
