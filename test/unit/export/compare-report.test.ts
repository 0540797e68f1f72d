import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExperimentSpec, type Handlers, type MetricPoint, type RunSummary } from '../../../contract/index.js';
import { generateBuiltinDataset } from '../../../engine/datasets/builtin.js';
import { runCli } from '../../../main/cli/main.js';
import { writeCompareReport, type CompareDeps } from '../../../main/export/compare-report.js';
import { datasetFingerprint } from '../../../main/export/dataset-hash.js';
import { dispatch } from '../../../main/services/dispatch.js';
import { ArtifactStore, openDatabase, RunStore } from '../../../main/store/index.js';

const IMPORTED_ID = 'ds_0123456789abcdef';
const IMPORTED_HASH = 'ab'.repeat(32);
const T0 = Date.parse('2024-05-01T10:00:00Z');

/** An experiment on the spiral: relu 8 → softmax 2, with the given first-layer initializer and seed. */
function experiment(name: string, init: string, seed: number, patch: (e: Record<string, unknown>) => void = () => {}): ExperimentSpec {
  const raw: Record<string, unknown> = {
    name,
    dataset: { builtin: 'spiral', samples: 120, seed: 3 },
    network: {
      inputShape: [2],
      layers: [
        { type: 'dense', units: 8, activation: { name: 'relu' }, kernelInitializer: { name: init } },
        { type: 'dense', units: 2, activation: { name: 'softmax' } },
      ],
    },
    train: { epochs: 6, seed },
  };
  patch(raw);
  return ExperimentSpec.parse(raw);
}

/** `n` epochs of a plausible curve (every value finite, so each series draws as one polyline). */
function curve(n: number, scale: number): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    step: (i + 1) * 4,
    trainLoss: scale / (i + 1),
    trainAcc: 0.5 + 0.05 * i,
    valLoss: (scale * 1.1) / (i + 1),
    valAcc: 0.48 + 0.05 * i,
    elapsedMs: 10 * (i + 1),
  }));
}

let dataDir: string;
let db: Database.Database;
let runs: RunStore;
let artifacts: ArtifactStore;
let deps: CompareDeps;
const ids = { he: 'run_he', glorot: 'run_glorot', deep: 'run_deep', running: 'run_running', queued: 'run_queued' };

/** Creates a run, starts it on `backend`, stores its curve and ends it with `status` (or leaves it running/queued). */
function seedRun(
  id: string,
  spec: ExperimentSpec,
  points: MetricPoint[],
  status: 'completed' | 'diverged' | 'cancelled' | 'running' | 'queued',
  backend = 'wasm',
): void {
  runs.createRun({ id, name: spec.name, experiment: spec, createdAt: new Date(T0).toISOString(), appVersion: '0.9.1' });
  if (status === 'queued') return;
  runs.markStarted(id, { backend, tfjsVersion: '4.22.0', startedAt: new Date(T0 + 1000).toISOString() });
  runs.appendMetrics(id, points);
  if (status === 'running') return;
  runs.finishRun(id, {
    status,
    finishedAt: new Date(T0 + 5000).toISOString(),
    epochsDone: points.length,
    ...(status === 'diverged' ? { divergedAtStep: 9 } : {}),
  });
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-compare-'));
  db = openDatabase(path.join(dataDir, 'initscope.db'));
  runs = new RunStore(db);
  artifacts = new ArtifactStore(db);
  seedRun(ids.he, experiment('he relu', 'heNormal', 1), curve(4, 2), 'completed');
  seedRun(ids.glorot, experiment('glorot relu', 'glorotNormal', 2), curve(6, 3), 'diverged', 'cpu');
  seedRun(
    ids.deep,
    experiment('deep imported', 'heNormal', 1, (e) => {
      e.dataset = { id: IMPORTED_ID };
      (e.network as { layers: unknown[] }).layers.splice(1, 0, { type: 'dense', units: 4, activation: { name: 'tanh' } });
      (e.train as Record<string, unknown>).batchSize = 16;
    }),
    curve(3, 1),
    'cancelled',
  );
  seedRun(ids.running, experiment('still running', 'heNormal', 1), curve(2, 2), 'running');
  seedRun(ids.queued, experiment('queued', 'heNormal', 1), [], 'queued');
  deps = {
    dataDir,
    appVersion: '1.2.3',
    runs,
    artifacts,
    runAppVersion: () => '0.9.1',
    storedDatasetHash: (id) => (id === IMPORTED_ID ? IMPORTED_HASH : null),
    now: () => new Date(T0 + 60_000),
  };
});

afterAll(() => {
  db?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Independent of config-diff.ts: walks all configurations at once, descending while every value at a
 * path is an object (or every one an array) and comparing serialised values otherwise.
 */
function differingPathsByWalk(values: unknown[], at = ''): string[] {
  const join = (k: string) => (at ? `${at}.${k}` : k);
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (values.every(Array.isArray)) {
    const arrays = values as unknown[][];
    const n = Math.max(...arrays.map((a) => a.length));
    return Array.from({ length: n }, (_, i) =>
      differingPathsByWalk(
        arrays.map((a) => a[i]),
        join(String(i)),
      ),
    ).flat();
  }
  if (values.every((v) => isObj(v) || v === undefined) && values.some(isObj)) {
    const keys = new Set(values.flatMap((v) => (v ? Object.keys(v) : [])));
    return [...keys].flatMap((k) =>
      differingPathsByWalk(
        values.map((v) => (v as Record<string, unknown> | undefined)?.[k]),
        join(k),
      ),
    );
  }
  const shown = values.map((v) => (v === undefined ? 'absent' : JSON.stringify(v)));
  return shown.every((s) => s === shown[0]) ? [] : [at];
}

/** The cells (inner HTML) of every body row of the table following `heading` in the report. */
function tableRows(html: string, heading: string): string[][] {
  const section = html.split(`<h2>${heading}</h2>`)[1]!.split('<h2>')[0]!;
  const body = /<tbody>(.*?)<\/tbody>/s.exec(section)![1]!;
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1]!));
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const listExports = () => (existsSync(path.join(dataDir, 'exports')) ? readdirSync(path.join(dataDir, 'exports'), { recursive: true }).length : 0);
const artifactCount = () => Object.values(ids).reduce((n, id) => n + artifacts.listForRun(id).length, 0);

describe('comparison report (runs/compareReport)', () => {
  it('writes a self-contained HTML with every run, the diff of exactly the differing fields, and a long CSV', () => {
    const order = [ids.he, ids.glorot, ids.deep];
    const result = writeCompareReport(deps, order);
    expect(result.runIds).toEqual(order);
    expect(result.dir).toBe(path.join(dataDir, 'exports', 'comparisons', 'compare-2024-05-01T10-01-00-000Z'));
    expect(result.files.map((f) => f.name)).toEqual(['report.html', 'metrics.csv']);
    const html = readFileSync(path.join(result.dir, 'report.html'), 'utf8');

    // Self-contained: nothing to fetch, no script to run.
    expect(html).not.toMatch(/https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(html).not.toMatch(/\b(src|href)=["'](?!data:)/);
    expect(html).not.toMatch(/url\(|@import/);
    expect(html).not.toMatch(/<script(?![^>]*application\/json)/);

    // Reproducibility table: one row per run with its own seed, backend, tfjs version and dataset.
    const stored = order.map((id) => runs.getRun(id)!);
    const repro = tableRows(html, 'Reproducibility');
    expect(repro).toHaveLength(3);
    stored.forEach((run: RunSummary, i) => {
      const row = repro[i]!;
      expect(row[0]).toContain(`<code>${run.id}</code>`);
      expect(row[1]).toBe(String(run.experiment.train.seed));
      expect(row[2]).toBe(run.backend);
      expect(row[3]).toBe('4.22.0');
      expect(row[4]).toBe('0.9.1');
    });
    expect(repro.map((r) => r[2])).toEqual(['wasm', 'cpu', 'wasm']);
    expect(repro.map((r) => r[1])).toEqual(['1', '2', '1']);
    // Builtin data: the sha256 of the generated samples, recomputed here; imported data: the stored hash.
    const spiral = createHash('sha256');
    const data = generateBuiltinDataset({ builtin: 'spiral', samples: 120, noise: 0.1, seed: 3 });
    spiral
      .update(new Uint8Array(data.x.buffer, data.x.byteOffset, data.x.byteLength))
      .update(new Uint8Array(data.y.buffer, data.y.byteOffset, data.y.byteLength));
    const spiralHash = spiral.digest('hex');
    expect(datasetFingerprint(stored[0]!.experiment.dataset, () => null).hash).toBe(spiralHash);
    expect(repro[0]![5]).toContain('builtin spiral');
    expect(repro[0]![6]).toContain(spiralHash);
    expect(repro[1]![6]).toContain(spiralHash);
    expect(repro[2]![5]).toContain(`imported ${IMPORTED_ID}`);
    expect(repro[2]![6]).toContain(IMPORTED_HASH);

    // Final metrics: one row per run, labelled #1…#3 in request order.
    const finals = tableRows(html, 'Final metrics');
    // Runs carry their automatic names (contract/run-name.ts): what differs reads in the label.
    expect(finals.map((r) => r[0])).toEqual([
      '#1 ReLU · He N · Adam 0.001 · seed 1 · Spiral · MLP 8-2',
      '#2 ReLU · Glorot N · Adam 0.001 · seed 2 · Spiral · MLP 8-2',
      '#3 ReLU/tanh · He N/Glorot U · Adam 0.001 · seed 1 · imported data · MLP 8-4-2',
    ]);
    expect(finals.map((r) => r[2])).toEqual(['completed', 'diverged', 'cancelled']);

    // Diff: exactly the paths an independent walk finds; highlighted where a value differs from run #1.
    const expected = differingPathsByWalk(stored.map((r) => r.experiment)).sort();
    expect(expected).toContain('network.layers.2.units'); // the extra layer shifts the output layer
    expect(expected).toContain('dataset.builtin'); // absent in the imported run
    const shown = [...html.matchAll(/<tr data-path="([^"]+)">/g)].map((m) => m[1]!);
    expect(shown).toEqual(expected);
    expect(result.differingPaths).toEqual(expected);
    const seedRow = /<tr data-path="train\.seed">(.*?)<\/tr>/s.exec(html)![1]!;
    expect([...seedRow.matchAll(/<td( class="differs")?>/g)].map((m) => Boolean(m[1]))).toEqual([false, false, true, false]);

    // Curves: a train (solid) and a validation (dashed) line per run in each chart, one colour per run.
    expect((html.match(/<polyline/g) ?? []).length).toBe(2 * 2 * 3);
    expect((html.match(/<polyline[^>]*stroke-dasharray/g) ?? []).length).toBe(2 * 3);

    // CSV: one row per stored metric row of every run, long format, values as stored.
    const lines = readFileSync(path.join(result.dir, 'metrics.csv'), 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('run_id,epoch,step,train_loss,train_acc,val_loss,val_acc,elapsed_ms');
    const metricRows = order.reduce((n, id) => n + runs.getMetrics(id).length, 0);
    expect(metricRows).toBe(4 + 6 + 3);
    expect(lines).toHaveLength(1 + metricRows);
    const glorotRows = lines.slice(1).filter((l) => l.startsWith(`${ids.glorot},`));
    expect(glorotRows).toHaveLength(6);
    expect(Number(glorotRows[2]!.split(',')[3])).toBe(runs.getMetrics(ids.glorot)[2]!.trainLoss);
  });

  it('lists exactly the fields that differ between two runs that differ in initializer and seed', () => {
    const result = writeCompareReport({ ...deps, now: () => new Date(T0 + 120_000) }, [ids.he, ids.glorot]);
    expect(result.differingPaths).toEqual(['name', 'network.layers.0.kernelInitializer.name', 'train.seed']);
  });

  it('pools seeds into groups: one colour per group, mean ± sd and n per group, one semantic line, a small-sample note', () => {
    const pooled = { he1: 'run_pool_he1', he2: 'run_pool_he2', gl1: 'run_pool_gl1', gl2: 'run_pool_gl2' };
    seedRun(pooled.he1, experiment('pool he', 'heNormal', 11), curve(4, 2), 'completed');
    seedRun(pooled.gl1, experiment('pool glorot', 'glorotNormal', 11), curve(4, 3), 'completed');
    seedRun(pooled.he2, experiment('pool he', 'heNormal', 12), curve(4, 2.4), 'completed');
    seedRun(pooled.gl2, experiment('pool glorot', 'glorotNormal', 12), curve(4, 3.3), 'completed');
    const result = writeCompareReport({ ...deps, now: () => new Date(T0 + 300_000) }, [pooled.he1, pooled.gl1, pooled.he2, pooled.gl2]);
    expect(result.groups).toBe(2);
    expect(result.differences).toEqual(['kernel initializer of layer 1: He normal → Glorot normal']);
    const html = readFileSync(path.join(result.dir, 'report.html'), 'utf8');

    // Group rows: label, n, seeds, then mean ± sd; for two values sd = |a − b| / √2 (computed here, not by meanSd).
    const groups = tableRows(html, 'Groups');
    expect(groups.map((r) => [r[0]!.replace(/<span[^>]*><\/span>/, ''), r[1], r[2]])).toEqual([
      ['He normal', '2', '11, 12'],
      ['Glorot normal', '2', '11, 12'],
    ]);
    const finalTrainLoss = [2 / 4, 2.4 / 4];
    const mean = (finalTrainLoss[0]! + finalTrainLoss[1]!) / 2;
    const sd = Math.abs(finalTrainLoss[0]! - finalTrainLoss[1]!) / Math.SQRT2;
    expect(groups[0]![3]).toBe(`${Number(mean.toPrecision(4))} ± ${Number(sd.toPrecision(2))}`);
    expect(html).toContain('id="small-sample"');

    // One colour per group: both He runs' lines share the first palette colour, both Glorot runs' the second.
    const strokes = [...html.matchAll(/<polyline fill="none" stroke="([^"]+)"/g)].map((m) => m[1]);
    expect(strokes.slice(0, 8)).toEqual(['#2f6fed', '#2f6fed', '#e0662a', '#e0662a', '#2f6fed', '#2f6fed', '#e0662a', '#e0662a']);
    const semantic = /<ul class="diff" id="semantic-diff">(.*?)<\/ul>/s.exec(html)![1]!;
    expect(semantic.match(/<li>/g)).toHaveLength(1);
    expect(semantic.replace(/<[^>]+>/g, '')).toBe('kernel initializer of layer 1: He normal → Glorot normal');
  });

  it('records every file with the sha256 of its bytes for each run compared', () => {
    const result = writeCompareReport({ ...deps, now: () => new Date(T0 + 180_000) }, [ids.glorot, ids.deep]);
    for (const runId of [ids.glorot, ids.deep]) {
      const recorded = artifacts.listForRun(runId).filter((a) => a.path.startsWith(result.dir));
      expect(recorded.map((a) => a.kind).sort()).toEqual(['csv', 'report']);
      expect(new Set(recorded.map((a) => a.exportId)).size).toBe(1);
      for (const a of recorded) {
        expect(a.sha256).toBe(sha256(a.path));
        expect(a.bytes).toBe(statSync(a.path).size);
      }
    }
    for (const f of result.files) expect(f.sha256).toBe(sha256(f.path));
    expect(artifacts.listForRun(ids.he).some((a) => a.path.startsWith(result.dir))).toBe(false);
  });

  it('refuses bad inputs with named errors and writes and records nothing', async () => {
    const handlers = {
      'runs/compareReport': async ({ runIds }: { runIds: string[] }) => writeCompareReport({ ...deps, now: () => new Date(T0 + 240_000) }, runIds),
    } as unknown as Handlers;
    const call = (runIds: unknown) => dispatch(handlers, 'runs/compareReport', { runIds });
    const exportsBefore = listExports();
    const recordedBefore = artifactCount();

    const one = await call([ids.he]);
    expect(one).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!one.ok) expect(one.error.message).toMatch(/runIds.*2 to 8 runs/);
    const nine = await call(Array.from({ length: 9 }, (_, i) => `run_${i}`));
    expect(nine).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!nine.ok) expect(nine.error.message).toMatch(/2 to 8 runs/);
    const unknown = await call([ids.he, 'run_nope', 'run_gone']);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    if (!unknown.ok) expect(unknown.error.message).toBe('No runs with id run_nope, run_gone');
    const unended = await call([ids.he, ids.running, ids.queued]);
    expect(unended).toMatchObject({ ok: false, error: { code: 'conflict' } });
    if (!unended.ok) expect(unended.error.message).toContain(`${ids.running} (running), ${ids.queued} (queued) have not ended`);
    const repeated = await call([ids.he, ids.he]);
    expect(repeated).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!repeated.ok) expect(repeated.error.message).toContain(`${ids.he} given more than once`);
    expect(await call([ids.he, '../../etc'])).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call('run_he,run_glorot')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    // The same checks guard the direct (CLI) entry point.
    expect(() => writeCompareReport(deps, [ids.he])).toThrow(/2 to 8 runs, got 1/);

    expect(listExports()).toBe(exportsBefore);
    expect(artifactCount()).toBe(recordedBefore);
  });

  it('CLI: export with several ids and --format report writes the comparison into --out', async () => {
    const out = path.join(dataDir, 'cli-compare');
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      const dbPath = path.join(dataDir, 'initscope.db');
      await expect(runCli(['export', ids.he, ids.glorot, '--format', 'onnx', '--db', dbPath])).rejects.toMatchObject({ code: 'invalid_input' });
      expect(await runCli(['export', ids.he, ids.glorot, '--format', 'report', '--out', out, '--db', dbPath, '--json'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const result = JSON.parse(printed.join('')) as { runIds: string[]; dir: string; files: { name: string; sha256: string }[] };
    expect(result.runIds).toEqual([ids.he, ids.glorot]);
    expect(result.dir).toBe(out);
    expect(result.files.map((f) => [f.name, f.sha256])).toEqual(['report.html', 'metrics.csv'].map((n) => [n, sha256(path.join(out, n))]));
  });

  it('CLI: without --json it names the seed groups and says what differs in one line per change', async () => {
    const out = path.join(dataDir, 'cli-compare-text');
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      expect(await runCli(['export', ids.he, ids.glorot, '--format', 'report', '--out', out, '--db', path.join(dataDir, 'initscope.db')])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const lines = printed.join('').split('\n');
    expect(lines[0]).toBe(`Compared 2 runs in 2 seed groups in ${out}`);
    expect(lines[1]).toBe('  kernel initializer of layer 1: He normal → Glorot normal');
  });
});
