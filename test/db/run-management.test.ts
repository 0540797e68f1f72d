import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentSpec, HISTOGRAM_EDGES, InitScopeError, filterRuns, parseRunFilter, type LayerStatsRecord } from '../../contract/index.js';
import { removeRunFiles } from '../../main/services/run-management.js';
import { ArtifactStore, LayerStatsStore, openDatabase, RunManagementStore, RunStore } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

const SHA = 'a'.repeat(64);
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();

function statsRecord(step: number): LayerStatsRecord {
  const histogram = new Array(HISTOGRAM_EDGES.length + 1).fill(0) as number[];
  histogram[0] = 1;
  const layer = {
    layer: 'dense_0',
    index: 0,
    activationMean: 0,
    activationStd: 1,
    zeroFraction: 0,
    deadFraction: 0,
    saturatedFraction: null,
    histogram,
    weightStd: 0.1,
    gradientNorm: 1,
    updateRatio: 0.001,
  };
  return { step, epoch: step, layers: [layer] };
}

/** Rows in every table with a foreign key to runs that name `runId` (found from the schema, so tables added later count too). */
function rowsReferring(db: Database.Database, runId: string): Record<string, number> {
  const refs = db
    .prepare<[], { tbl: string; col: string }>(
      `SELECT m.name AS tbl, f."from" AS col FROM sqlite_schema m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f."table" = 'runs'`,
    )
    .all();
  return Object.fromEntries(refs.map((r) => [r.tbl, db.prepare(`SELECT count(*) FROM "${r.tbl}" WHERE "${r.col}" = ?`).pluck().get(runId) as number]));
}

describe('run management in the store (migration 0007)', () => {
  let dir: string;
  let cleanup: () => void;
  let path: string;
  let db: Database.Database;
  let runs: RunStore;
  let manage: RunManagementStore;
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
    path = join(dir, 'initscope.db');
    db = openDatabase(path);
    runs = new RunStore(db);
    manage = new RunManagementStore(db);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  function ended(id: string, experiment = spiralExperiment(), i = 0): void {
    runs.createRun({ id, name: experiment.name, experiment, createdAt: at(i), appVersion: 't' });
    runs.markStarted(id, { backend: 'cpu', tfjsVersion: 'x', startedAt: at(i) });
    runs.finishRun(id, { status: 'completed', finishedAt: at(i + 1) });
  }

  it('names a run automatically from its experiment, also one stored with an old-style name, until the user renames it', () => {
    // Stored the way runs were before names were automatic: the experiment's own (stale) name.
    ended('a', spiralExperiment({ name: 'mnist 64-10', seed: 2 }));
    expect(db.prepare("SELECT name FROM runs WHERE id = 'a'").pluck().get()).toBe('mnist 64-10');
    expect(runs.getRun('a')!.name).toBe('tanh · Glorot U · Adam 0.001 · seed 2 · Spiral · MLP 8-2');
    expect(runs.getRun('a')!.customName).toBeNull();
    manage.rename('a', 'baseline tanh');
    expect(runs.getRun('a')).toMatchObject({ name: 'baseline tanh', customName: 'baseline tanh' });
    manage.rename('a', null);
    expect(runs.getRun('a')!.name).toBe('tanh · Glorot U · Adam 0.001 · seed 2 · Spiral · MLP 8-2');
    expect(() => manage.rename('nope', 'x')).toThrow(expect.objectContaining({ code: 'not_found' }) as Error);
    // A run created with a name of its own (a rerun) shows it from the start.
    runs.createRun({ id: 'b', name: 'x (rerun)', customName: 'x (rerun)', experiment: spiralExperiment(), createdAt: at(5), appVersion: 't' });
    expect(runs.getRun('b')).toMatchObject({ name: 'x (rerun)', customName: 'x (rerun)' });
  });

  it('names an imported dataset by the name it was imported under, never by its ds_ id', () => {
    db.prepare(
      "INSERT INTO datasets (id, name, kind, info_json, content_hash, path, created_at) VALUES ('ds_0123456789abcdef', 'Iris flowers', 'csv', '{}', 'h', 'p', 't')",
    ).run();
    const experiment = ExperimentSpec.parse({ ...spiralExperiment(), dataset: { id: 'ds_0123456789abcdef' } });
    ended('a', experiment);
    expect(runs.getRun('a')!.name).toContain('Iris flowers');
    expect(runs.getRun('a')!.name).not.toContain('ds_');
    db.prepare('DELETE FROM datasets').run();
    expect(runs.getRun('a')!.name).toContain('imported data');
  });

  it('adds and removes tags in one write, keeps notes, and refuses more than 32 tags without writing any', () => {
    ended('a');
    manage.tag('a', ['baseline', 'fig3'], []);
    manage.tag('a', ['tanh'], ['fig3']);
    manage.setNotes('a', 'Loss plateaus after epoch 3.\nTry He N.');
    expect(runs.getRun('a')).toMatchObject({ tags: ['baseline', 'tanh'], notes: 'Loss plateaus after epoch 3.\nTry He N.' });
    const many = Array.from({ length: 31 }, (_, i) => `t${i}`);
    expect(() => manage.tag('a', many, [])).toThrow(InitScopeError);
    expect(runs.getRun('a')!.tags).toEqual(['baseline', 'tanh']);
  });

  it('deletes a run with every row that refers to it and its files, keeping files another run shares', () => {
    ended('a', spiralExperiment(), 0);
    ended('b', spiralExperiment({ seed: 3 }), 2);
    new LayerStatsStore(db).append('a', [statsRecord(1), statsRecord(2)]);
    runs.appendMetrics('a', [{ epoch: 1, step: 10, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, elapsedMs: 5 }]);
    manage.tag('a', ['x'], []);
    const weightsDir = join(dir, 'runs', 'a');
    const exportDir = join(dir, 'exports', 'a', 'tfjs-1');
    const shared = join(dir, 'exports', 'comparisons', 'c1', 'report.html');
    for (const folder of [weightsDir, exportDir, join(dir, 'exports', 'comparisons', 'c1')]) mkdirSync(folder, { recursive: true });
    const files = [join(weightsDir, 'weights.bin'), join(weightsDir, 'weights.json'), join(exportDir, 'model.json')];
    for (const f of [...files, shared]) writeFileSync(f, 'x');
    const artifacts = new ArtifactStore(db);
    artifacts.record(
      'a',
      'w-a',
      files.slice(0, 2).map((p) => ({ kind: 'weights' as const, path: p, bytes: 1, sha256: SHA })),
      at(3),
    );
    artifacts.record('a', 'e-a', [{ kind: 'tfjs', path: files[2]!, bytes: 1, sha256: SHA }], at(3));
    // A comparison report is recorded once per run it compares.
    for (const id of ['a', 'b']) artifacts.record(id, 'cmp', [{ kind: 'report', path: shared, bytes: 1, sha256: SHA }], at(4));
    // A file outside the data folder named by a (tampered) record is never touched.
    const outside = join(makeTempDir().dir, 'keep.txt');
    writeFileSync(outside, 'x');
    artifacts.record('a', 'odd', [{ kind: 'csv', path: outside, bytes: 1, sha256: SHA }], at(5));

    const deleted = manage.deleteEndedRun('a')!;
    expect(deleted.orphanFiles.sort()).toEqual([...files, outside].sort());
    expect(Object.values(rowsReferring(db, 'a')).every((n) => n === 0)).toBe(true);
    expect(Object.keys(rowsReferring(db, 'a'))).toEqual(expect.arrayContaining(['metrics', 'layer_stats', 'artifacts', 'run_tags', 'sweep_runs']));
    expect(db.prepare("SELECT count(*) FROM experiments WHERE id = 'a'").pluck().get()).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(runs.getRun('b')).toBeDefined();
    expect(artifacts.listForRun('b')).toHaveLength(1);

    expect(removeRunFiles(dir, 'a', deleted.orphanFiles)).toBe(3);
    for (const f of files) expect(existsSync(f)).toBe(false);
    expect(existsSync(join(dir, 'exports', 'a'))).toBe(false);
    expect(existsSync(shared)).toBe(true);
    expect(existsSync(outside)).toBe(true);
    expect(manage.deleteEndedRun('a')).toBeNull();
  });

  it('refuses to delete a queued or running run (conflict), leaving it whole', () => {
    runs.createRun({ id: 'q', name: 'q', experiment: spiralExperiment(), createdAt: at(0), appVersion: 't' });
    expect(() => manage.deleteEndedRun('q')).toThrow(expect.objectContaining({ code: 'conflict' }) as Error);
    runs.markStarted('q', { backend: 'cpu', tfjsVersion: 'x', startedAt: at(1) });
    runs.appendMetrics('q', [{ epoch: 1, step: 1, trainLoss: 1, trainAcc: 0.5, valLoss: null, valAcc: null, elapsedMs: 1 }]);
    expect(() => manage.deleteEndedRun('q')).toThrow(/running: stop it before deleting it/);
    expect(runs.getMetrics('q')).toHaveLength(1);
  });

  it('edits and deletes runs while a second process appends metrics to another run, losing none of its points', async () => {
    ended('victim', spiralExperiment(), 0);
    runs.createRun({ id: 'live', name: 'live', experiment: spiralExperiment(), createdAt: at(2), appVersion: 't' });
    runs.markStarted('live', { backend: 'cpu', tfjsVersion: 'x', startedAt: at(2) });
    for (let i = 0; i < 20; i++) ended(`old${i}`, spiralExperiment({ seed: i }), 10 + i);
    const COUNT = 400;
    const fixture = join(import.meta.dirname, 'fixtures', 'append-metrics.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, path, 'live', String(COUNT)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => c.toString().includes('writing') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited ${code} before writing: ${err}`)));
    });
    // Interleave our writes with the child's: every one takes the write lock, waits or retries when busy.
    for (let i = 0; i < 20; i++) {
      manage.rename('live', `live ${i}`);
      manage.tag('live', [`t${i % 4}`], []);
      manage.setNotes(`old${i}`, `note ${i}`);
      if (i % 2 === 0) expect(manage.deleteEndedRun(`old${i}`)).not.toBeNull();
    }
    expect(manage.deleteEndedRun('victim')).not.toBeNull();
    expect(await exited).toBe(0);
    expect(runs.getMetrics('live').map((p) => p.step)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
    expect(runs.getRun('live')).toMatchObject({ name: 'live 19', tags: ['t0', 't1', 't2', 't3'], epochsDone: COUNT });
    expect(
      runs
        .listRuns()
        .map((r) => r.id)
        .sort(),
    ).toEqual(['live', ...Array.from({ length: 10 }, (_, i) => `old${2 * i + 1}`)].sort());
    expect(runs.getRun('old1')!.notes).toBe('note 1');
  }, 60_000);

  it('lists and filters 2,000 runs (a sweep’s worth) well within 500 ms', () => {
    const activations = ['tanh', 'relu', 'sigmoid', 'elu'] as const;
    const initializers = ['glorotNormal', 'heNormal', 'lecunUniform', 'orthogonal', 'zeros'] as const;
    const insert = db.transaction(() => {
      for (let i = 0; i < 2000; i++) {
        const base = spiralExperiment({ seed: i % 10 });
        const hidden = { type: 'dense' as const, units: 8, activation: { name: activations[i % 4]! }, kernelInitializer: { name: initializers[i % 5]! } };
        const experiment = ExperimentSpec.parse({
          ...base,
          network: { inputShape: [2], layers: [hidden, hidden, { type: 'dense', units: 2, activation: { name: 'softmax' } }] },
        });
        runs.createRun({ id: `r${String(i).padStart(4, '0')}`, name: 'n', experiment, createdAt: at(i), appVersion: 't' });
        if (i % 7 === 0) manage.tag(`r${String(i).padStart(4, '0')}`, ['baseline'], []);
      }
    });
    insert();
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    const all = runs.listRuns();
    const matching = filterRuns(all, parseRunFilter('activation=tanh initializer="He N" tag=baseline'));
    const cpu = process.cpuUsage(cpuStart);
    const wall = performance.now() - wallStart;
    expect(all).toHaveLength(2000);
    // i ≡ 0 (mod 4), i ≡ 1 (mod 5) and i ≡ 0 (mod 7): i ≡ 56 (mod 140), so 56, 196, …, 1876: 14 runs.
    expect(matching.map((r) => Number(r.id.slice(1))).sort((a, b) => a - b)).toEqual(Array.from({ length: 14 }, (_, k) => 56 + 140 * k));
    // The work itself (CPU time of this test process: ~100 ms on an idle core) stays well under 500 ms;
    // wall time also counts waiting for a core on a loaded machine, so its bound is looser.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(500);
    expect(wall).toBeLessThan(5000);
  });
});
