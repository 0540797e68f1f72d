import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentSpec, InitScopeError, TERMINAL_EVENT_TYPES, type RunEvent, type RunProvenance, type RunSummary } from '../../../contract/index.js';
import { dispatch } from '../../../main/services/dispatch.js';
import { createHostServices } from '../../../main/services/create-host.js';
import type { HostServices } from '../../../main/services/host-services.js';
import { forkWorkerLauncher } from '../../../main/services/worker-launcher.js';
import { sha256Hex } from '../../../main/export/hash.js';
import { folderModelHandler } from '../../../main/export/tfjs-files.js';
import { ArtifactStore, openDatabase } from '../../../main/store/index.js';
import { getBackend } from '../engine/helpers.js';

/** One real host (a real worker process trains a real run) shared by the tests of this file. */
let dataDir: string;
let services: HostServices;
let run: RunSummary;
const events: RunEvent[] = [];

const experiment = ExperimentSpec.parse({
  name: 'export me',
  dataset: { builtin: 'spiral', samples: 200, seed: 3 },
  network: {
    inputShape: [2],
    layers: [
      { type: 'dense', units: 8, activation: { name: 'elu', alpha: 0.5 } },
      { type: 'batchNorm' },
      { type: 'dropout', rate: 0.1 },
      { type: 'dense', units: 2, activation: { name: 'softmax' } },
    ],
  },
  train: { epochs: 3, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.02 }, seed: 5 },
});

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-export-'));
  services = await createHostServices({ dataDir, shell: 'cli', workers: 1, launcher: forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' }) });
  services.onEvent((e) => events.push(e));
  const started = await services.handlers['runs/start']({ experiment });
  await new Promise<void>((resolve) => {
    const check = () => events.some((e) => e.runId === started.id && TERMINAL_EVENT_TYPES.has(e.type));
    if (check()) return resolve();
    const off = services.onEvent(() => {
      if (check()) {
        off();
        resolve();
      }
    });
  });
  run = await services.handlers['runs/get']({ runId: started.id });
}, 60_000);

afterAll(async () => {
  await services?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Rows of the artifacts table for the run (read through a second connection). */
function artifactRows() {
  const db = openDatabase(path.join(dataDir, 'initscope.db'));
  try {
    return new ArtifactStore(db).listForRun(run.id);
  } finally {
    db.close();
  }
}

describe('trained weights reach the host and exports are written and recorded', () => {
  it('the worker sent the final weights before the run finished; they are stored with their sha256', () => {
    expect(run.status).toBe('completed');
    const dir = path.join(dataDir, 'runs', run.id);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'weights.json'), 'utf8')) as { tensors: { name: string; shape: number[] }[]; sha256: string };
    expect(manifest.tensors.map((t) => t.name)).toEqual([
      'dense_0/kernel',
      'dense_0/bias',
      'batchNorm_1/gamma',
      'batchNorm_1/beta',
      'batchNorm_1/movingMean',
      'batchNorm_1/movingVariance',
      'dense_3/kernel',
      'dense_3/bias',
    ]);
    expect(manifest.sha256).toBe(sha256Hex(readFileSync(path.join(dir, 'weights.bin'))));
    // 2·8+8 + 4·8 + 8·2+2 floats
    expect(statSync(path.join(dir, 'weights.bin')).size).toBe((24 + 32 + 18) * 4);
    const weights = artifactRows().filter((a) => a.kind === 'weights');
    expect(weights.map((a) => path.basename(a.path)).sort()).toEqual(['weights.bin', 'weights.json']);
  });

  it('ONNX: onnxruntime reproduces the reference outputs the engine computed from the stored weights', async () => {
    const result = await services.handlers['runs/export']({ runId: run.id, format: 'onnx' });
    expect(result.dir.startsWith(path.join(dataDir, 'exports', run.id))).toBe(true);
    expect(result.files.map((f) => f.name)).toEqual(['model.onnx', 'reference.json', 'network.json', 'provenance.json']);
    const written = JSON.parse(readFileSync(path.join(result.dir, 'provenance.json'), 'utf8')) as { format: string; runId: string; provenance: unknown };
    expect(written).toMatchObject({ format: 'initscope.provenance', runId: run.id, provenance: { seed: 5, backend: 'wasm', split: { parts: 1 } } });
    expect(written.provenance).toEqual((await services.handlers['runs/get']({ runId: run.id })).provenance);
    const ref = JSON.parse(readFileSync(path.join(result.dir, 'reference.json'), 'utf8')) as { inputs: number[][]; outputs: number[][] };
    const session = await ort.InferenceSession.create(path.join(result.dir, 'model.onnx'));
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(ref.inputs.flat()), [ref.inputs.length, 2]) });
    await session.release();
    const got = Array.from(out.output!.data as Float32Array);
    ref.outputs.flat().forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-4));
    // recorded: every file with the sha256 of its bytes on disk
    const recorded = artifactRows().filter((a) => a.kind === 'onnx' || (a.kind === 'spec' && a.path.startsWith(result.dir)));
    for (const f of result.files) {
      expect(f.sha256).toBe(sha256Hex(readFileSync(f.path)));
      expect(recorded.find((a) => a.path === f.path)?.sha256).toBe(f.sha256);
    }
  });

  it('tfjs: the written model loads with tf.loadLayersModel and predicts the reference outputs', async () => {
    const out = path.join(dataDir, 'my-export');
    const result = await services.exportRun!(run.id, 'tfjs', out);
    expect(result.dir).toBe(out);
    const { tf } = await getBackend();
    const model = await tf.loadLayersModel(folderModelHandler(out) as unknown as import('@tensorflow/tfjs').io.IOHandler);
    const ref = JSON.parse(readFileSync(path.join(out, 'reference.json'), 'utf8')) as { inputs: number[][]; outputs: number[][] };
    const y = tf.tidy(() => Array.from((model.predict(tf.tensor2d(ref.inputs)) as import('@tensorflow/tfjs').Tensor).dataSync()));
    model.dispose();
    ref.outputs.flat().forEach((v, i) => expect(Math.abs(y[i]! - v)).toBeLessThanOrEqual(1e-5));

    // A second export into the same folder is refused and the files stay as they were.
    const before = readFileSync(path.join(out, 'weights.bin'));
    await expect(services.exportRun!(run.id, 'tfjs', out)).rejects.toMatchObject({ code: 'conflict' });
    expect(readFileSync(path.join(out, 'weights.bin')).equals(before)).toBe(true);
  });

  it('report: self-contained HTML with the reproducibility record, plus the metrics CSV', async () => {
    const result = await services.handlers['runs/export']({ runId: run.id, format: 'report' });
    const html = readFileSync(path.join(result.dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//); // nothing to fetch
    expect(html).not.toMatch(/<script(?![^>]*application\/json)/); // no executable script
    expect(html).not.toMatch(/\bsrc=/);
    const record = JSON.parse(/<script type="application\/json" id="initscope-record">(.*?)<\/script>/s.exec(html)![1]!) as {
      appVersion: string;
      runs: {
        id: string;
        reproducibility: {
          seed: number;
          backend: string;
          tfjsVersion: string;
          appVersion: string;
          dataset: string;
          datasetHash: string;
          provenance: RunProvenance;
        };
      }[];
    };
    const r = record.runs[0]!.reproducibility;
    expect(r.seed).toBe(5);
    expect(r.backend).toBe('wasm');
    expect(r.tfjsVersion).toBe(run.tfjsVersion);
    expect(r.appVersion).toBe(record.appVersion);
    expect(r.dataset).toContain('builtin spiral');
    expect(r.datasetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(html).toContain(r.datasetHash);
    expect(html).toContain('aria-label="Training loss per step"'); // the stored per-step losses, drawn
    // The engine's record: the kernel set, the step layout and the data and split as trained on.
    expect(r.provenance).toMatchObject({ seed: 5, kernels: { set: 'patched' }, split: { parts: 1 }, dataset: { trainSamples: expect.any(Number) as number } });
    expect(html).toContain(r.provenance.dataset.splitHash);
    expect(html).toContain('whole batches');
    expect(result.files.map((f) => f.name)).toContain('provenance.json');
    expect((html.match(/<polyline/g) ?? []).length).toBeGreaterThanOrEqual(4); // train+val loss and accuracy
    const csv = readFileSync(path.join(result.dir, 'metrics.csv'), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('run_id,epoch,step,train_loss,train_acc,val_loss,val_acc,elapsed_ms');
    expect(csv).toHaveLength(1 + 3); // header + one row per epoch
    const curve = await services.handlers['runs/metrics']({ runId: run.id });
    expect(Number(csv[3]!.split(',')[3])).toBe(curve[2]!.trainLoss);
  });

  it('refuses runs that cannot be exported, with a clear error and nothing written', async () => {
    const exportsBefore = readdirSync(path.join(dataDir, 'exports', run.id)).length;
    const missing = await dispatch(services.handlers, 'runs/export', { runId: 'run_nope', format: 'onnx' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const traversal = await dispatch(services.handlers, 'runs/export', { runId: '../../etc', format: 'onnx' });
    expect(traversal).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const badFormat = await dispatch(services.handlers, 'runs/export', { runId: run.id, format: 'pickle' });
    expect(badFormat).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(readdirSync(path.join(dataDir, 'exports', run.id)).length).toBe(exportsBefore);
    expect(existsSync(path.join(dataDir, 'etc'))).toBe(false);
    expect(InitScopeError).toBeDefined();
  });
});
