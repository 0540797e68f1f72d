import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentSpec, InitScopeError, RunSummary, type MetricPoint } from '../../contract/index.js';
import { RunStore, openDatabase } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

function point(step: number, overrides: Partial<MetricPoint> = {}): MetricPoint {
  return {
    epoch: step,
    step,
    trainLoss: 1 / step,
    trainAcc: 0.5 + step / 1000,
    valLoss: 1.1 / step,
    valAcc: 0.45 + step / 1000,
    elapsedMs: step * 10,
    ...overrides,
  };
}

function count(db: Database.Database, sql: string): number {
  return db.prepare(sql).pluck().get() as number;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof InitScopeError ? error.code : 'not an InitScopeError';
  }
  return undefined;
}

describe('RunStore', () => {
  let dir: string;
  let cleanup: () => void;
  let path: string;
  let db: Database.Database;
  let store: RunStore;

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
    path = join(dir, 'initscope.db');
    db = openDatabase(path);
    store = new RunStore(db);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  function create(id: string, createdAt = '2025-01-01T10:00:00.000Z'): RunSummary {
    return store.createRun({ id, name: `run ${id}`, experiment: spiralExperiment(), createdAt, appVersion: '0.1.0' });
  }

  it('round-trips a run: create → start → metrics (replayed) → finish', () => {
    const experiment = spiralExperiment();
    const created = store.createRun({ id: 'r1', name: 'first', experiment, createdAt: '2025-03-01T12:00:00+08:00', appVersion: '0.1.0' });
    expect(created).toEqual({
      id: 'r1',
      // The automatic name from the frozen experiment (the stored `name` column is for readers of the file).
      name: 'tanh · Glorot U · Adam 0.001 · seed 42 · Spiral · MLP 8-2',
      status: 'queued',
      experiment,
      backend: null,
      tfjsVersion: null,
      createdAt: '2025-03-01T04:00:00.000Z',
      startedAt: null,
      finishedAt: null,
      epochsDone: 0,
      metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null },
      error: null,
      divergedAtStep: null,
      divergedLayer: null,
      provenance: null,
      customName: null,
      datasetName: null,
      tags: [],
      notes: '',
    });
    expect(RunSummary.parse(created)).toEqual(created);
    expect(db.prepare('SELECT name FROM runs').pluck().get()).toBe('first');
    expect(db.prepare('SELECT id, name, kind FROM experiments').all()).toEqual([{ id: 'r1', name: 'spiral tanh', kind: 'single' }]);
    expect(db.prepare('SELECT seed, app_version FROM runs').get()).toEqual({ seed: 42, app_version: '0.1.0' });

    const started = store.markStarted('r1', { backend: 'cpu', tfjsVersion: '4.22.0', startedAt: '2025-03-01T04:00:01.000Z' });
    expect(started).toMatchObject({ status: 'running', backend: 'cpu', tfjsVersion: '4.22.0', startedAt: '2025-03-01T04:00:01.000Z' });

    const batch = [point(1), point(2), point(3)];
    store.appendMetrics('r1', batch);
    store.appendMetrics('r1', batch); // replay: no duplicates
    expect(count(db, "SELECT count(*) FROM metrics WHERE run_id = 'r1'")).toBe(3);
    store.appendMetrics('r1', [point(3, { trainLoss: 0.3 }), point(4), point(5)]);
    expect(count(db, "SELECT count(*) FROM metrics WHERE run_id = 'r1'")).toBe(5);

    const metrics = store.getMetrics('r1');
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
    expect(metrics[2]).toEqual(point(3, { trainLoss: 0.3 }));
    expect(store.getRun('r1')).toMatchObject({ epochsDone: 5, metrics: { trainLoss: 0.2, trainAcc: 0.505, valLoss: 1.1 / 5, valAcc: 0.455 } });

    // Replaying an older step does not move the latest metrics back.
    store.appendMetrics('r1', [point(2)]);
    expect(store.getRun('r1')).toMatchObject({ epochsDone: 5, metrics: { trainLoss: 0.2 } });

    const final = { trainLoss: 0.19, trainAcc: 0.9, valLoss: 0.25, valAcc: null };
    const finished = store.finishRun('r1', { status: 'completed', finishedAt: '2025-03-01T04:01:00.000Z', metrics: final });
    expect(finished).toMatchObject({ status: 'completed', finishedAt: '2025-03-01T04:01:00.000Z', metrics: final, epochsDone: 5, error: null });
    expect(store.getRun('r1')).toEqual(finished);
    expect(RunSummary.parse(finished)).toEqual(finished);
  });

  it('keeps the stored spec through ExperimentSpec after reopening the file', () => {
    const experiment = spiralExperiment({ name: 'persisted', seed: 7 });
    store.createRun({ id: 'p', name: 'p', experiment, createdAt: '2025-01-01T00:00:00Z', appVersion: '0.1.0' });
    db.close();
    db = openDatabase(path);
    store = new RunStore(db);
    const run = store.getRun('p');
    expect(run?.experiment).toEqual(experiment);
    expect(ExperimentSpec.parse(JSON.parse(db.prepare("SELECT experiment_json FROM runs WHERE id = 'p'").pluck().get() as string))).toEqual(experiment);
    expect(run?.experiment.network.layers[0]).toMatchObject({ type: 'dense', units: 8, activation: { name: 'tanh' } });
  });

  it('fills spec defaults and rejects a bad spec', () => {
    const partial = { dataset: { builtin: 'xor' }, network: { inputShape: [2], layers: [{ type: 'dense', units: 1 }] } };
    const run = store.createRun({
      id: 'd',
      name: 'd',
      experiment: partial as unknown as ExperimentSpec,
      createdAt: '2025-01-01T00:00:00Z',
      appVersion: '0.1.0',
    });
    expect(run.experiment.train.epochs).toBe(20);
    const bad = { ...partial, network: { inputShape: [2], layers: [] } } as unknown as ExperimentSpec;
    expect(codeOf(() => store.createRun({ id: 'x', name: 'x', experiment: bad, createdAt: '2025-01-01T00:00:00Z', appVersion: '0.1.0' }))).toBe(
      'invalid_input',
    );
    expect(codeOf(() => create('y', 'yesterday'))).toBe('invalid_input');
    expect(store.getRun('x')).toBeUndefined();
  });

  it('lists runs newest first', () => {
    create('old', '2025-01-01T00:00:00.000Z');
    create('new', '2025-06-01T00:00:00.000Z');
    create('mid', '2025-03-01T00:00:00.000Z');
    create('mid2', '2025-03-01T00:00:00.000Z');
    expect(store.listRuns().map((r) => r.id)).toEqual(['new', 'mid2', 'mid', 'old']);
  });

  it('downsamples curves to at most maxPoints, keeping first and last', () => {
    create('long');
    store.appendMetrics(
      'long',
      Array.from({ length: 1000 }, (_, i) => point(i + 1)),
    );
    expect(store.getMetrics('long')).toHaveLength(1000);
    for (const maxPoints of [2, 3, 100, 999]) {
      const curve = store.getMetrics('long', maxPoints);
      expect(curve.length).toBeLessThanOrEqual(maxPoints);
      expect(curve[0]?.step).toBe(1);
      expect(curve.at(-1)?.step).toBe(1000);
      curve.slice(1).forEach((p, k) => expect(p.step).toBeGreaterThan(curve[k]?.step as number));
    }
    expect(store.getMetrics('long', 5000)).toHaveLength(1000);
    expect(codeOf(() => store.getMetrics('long', 1))).toBe('invalid_input');
  });

  it('stores non-finite metric values as null', () => {
    create('nan');
    store.appendMetrics('nan', [point(1, { trainLoss: Number.NaN, valLoss: Number.POSITIVE_INFINITY })]);
    expect(store.getMetrics('nan')[0]).toMatchObject({ trainLoss: null, valLoss: null });
  });

  it('stores test metrics with the final ones (null without a test part), keeps them through metric appends, clears them on requeue', () => {
    create('t');
    store.markStarted('t', { backend: 'wasm', tfjsVersion: '4.22.0', startedAt: '2025-01-01T10:00:01.000Z' });
    store.appendMetrics('t', [point(1)]);
    expect(store.getRun('t')?.metrics).toEqual({ trainLoss: 1, trainAcc: 0.501, valLoss: 1.1, valAcc: 0.451 });
    const final = { trainLoss: 0.5, trainAcc: 0.8, valLoss: 0.6, valAcc: 0.75, testLoss: 0.625, testAcc: 0.7421875 };
    expect(store.finishRun('t', { status: 'completed', finishedAt: '2025-01-01T10:01:00.000Z', metrics: final }).metrics).toEqual(final);
    expect(db.prepare('SELECT test_loss, test_acc FROM runs WHERE id = ?').get('t')).toEqual({ test_loss: 0.625, test_acc: 0.7421875 });
    expect(RunSummary.parse(store.getRun('t')).metrics).toEqual(final);
    store.appendMetrics('t', [point(1)]); // a replayed point updates the latest train/val metrics only
    expect(store.getRun('t')?.metrics).toMatchObject({ testLoss: 0.625, testAcc: 0.7421875 });

    create('none');
    store.markStarted('none', { backend: 'wasm', tfjsVersion: '4.22.0', startedAt: '2025-01-01T10:00:01.000Z' });
    const noTest = { trainLoss: 0.5, trainAcc: 0.8, valLoss: 0.6, valAcc: 0.75, testLoss: null, testAcc: Number.NaN };
    expect(store.finishRun('none', { status: 'completed', finishedAt: '2025-01-01T10:01:00.000Z', metrics: noTest }).metrics).toEqual({
      trainLoss: 0.5,
      trainAcc: 0.8,
      valLoss: 0.6,
      valAcc: 0.75,
    });
    store.resetForRequeue(['t']);
    expect(db.prepare('SELECT test_loss, test_acc FROM runs WHERE id = ?').get('t')).toEqual({ test_loss: null, test_acc: null });
  });

  it('records divergence and failure details', () => {
    create('div');
    store.markStarted('div', { backend: 'cpu', tfjsVersion: '4.22.0', startedAt: '2025-01-01T10:00:01.000Z' });
    store.appendMetrics('div', [point(1), point(2)]);
    const run = store.finishRun('div', {
      status: 'diverged',
      finishedAt: '2025-01-01T10:00:02.000Z',
      divergedAtStep: 17,
      divergedLayer: 'dense_1',
      epochsDone: 3,
    });
    expect(run).toMatchObject({ status: 'diverged', divergedAtStep: 17, divergedLayer: 'dense_1', epochsDone: 3, metrics: { trainLoss: 0.5 } });

    create('fail');
    expect(store.finishRun('fail', { status: 'failed', finishedAt: '2025-01-01T10:00:02.000Z', error: 'Out of memory' })).toMatchObject({
      status: 'failed',
      error: 'Out of memory',
    });
  });

  it('throws typed errors for unknown runs and wrong transitions', () => {
    create('r');
    expect(codeOf(() => create('r'))).toBe('conflict');
    expect(codeOf(() => store.markStarted('nope', { backend: 'cpu', tfjsVersion: 'x', startedAt: '2025-01-01T00:00:00Z' }))).toBe('not_found');
    expect(codeOf(() => store.appendMetrics('nope', [point(1)]))).toBe('not_found');
    expect(codeOf(() => store.getMetrics('nope'))).toBe('not_found');
    expect(codeOf(() => store.finishRun('nope', { status: 'completed', finishedAt: '2025-01-01T00:00:00Z' }))).toBe('not_found');
    expect(codeOf(() => store.appendMetrics('r', [point(1, { step: 1.5 })]))).toBe('invalid_input');
    store.finishRun('r', { status: 'cancelled', finishedAt: '2025-01-01T00:00:00Z' });
    expect(codeOf(() => store.finishRun('r', { status: 'completed', finishedAt: '2025-01-01T00:00:00Z' }))).toBe('conflict');
    expect(codeOf(() => store.markStarted('r', { backend: 'cpu', tfjsVersion: 'x', startedAt: '2025-01-01T00:00:00Z' }))).toBe('conflict');
    expect(store.getRun('nope')).toBeUndefined();
    expect(store.getMetrics('r')).toEqual([]);
  });

  it('deletes a run with its metrics and its single experiment', () => {
    create('a');
    create('b');
    store.appendMetrics('a', [point(1), point(2)]);
    store.appendMetrics('b', [point(1)]);
    expect(store.deleteRun('a')).toBe(true);
    expect(store.deleteRun('a')).toBe(false);
    expect(store.getRun('a')).toBeUndefined();
    expect(count(db, "SELECT count(*) FROM metrics WHERE run_id = 'a'")).toBe(0);
    expect(count(db, "SELECT count(*) FROM experiments WHERE id = 'a'")).toBe(0);
    expect(count(db, 'SELECT count(*) FROM metrics')).toBe(1);
    expect(store.listRuns().map((r) => r.id)).toEqual(['b']);
  });
});
