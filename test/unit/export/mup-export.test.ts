import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentSpec, type RunEvent, type RunSummary } from '../../../contract/index.js';
import { readModelWeights, type NamedWeight } from '../../../engine/export/weights.js';
import { trainRun } from '../../../engine/train.js';
import { exportOnnxModel } from '../../../main/export/onnx/export-onnx.js';
import { exportRun, type ExportDeps } from '../../../main/export/run-export.js';
import { runWeightsDir } from '../../../main/export/paths.js';
import { folderModelHandler } from '../../../main/export/tfjs-files.js';
import { writeWeightsFiles } from '../../../main/export/weights-file.js';
import type { ArtifactStore } from '../../../main/store/index.js';
import { getBackend } from '../engine/helpers.js';
import { seededFloats } from './helpers.js';

/** A μP run (base width 8, hidden width 32: readout multiplier 1/4) trained in this thread. */
const experiment = ExperimentSpec.parse({
  name: 'μP export',
  dataset: { builtin: 'spiral', samples: 200, seed: 3 },
  network: {
    inputShape: [2],
    layers: [
      { type: 'dense', units: 32, activation: { name: 'tanh' } },
      { type: 'dropout', rate: 0.1 },
      { type: 'dense', units: 32, activation: { name: 'relu' } },
      { type: 'dense', units: 2, activation: { name: 'softmax' } },
    ],
  },
  train: { epochs: 3, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.05 }, seed: 5, parametrization: { name: 'mup', baseWidth: 8 } },
});

const BATCH = 16;
let dataDir: string;
let weights: NamedWeight[] = [];
let x: Float32Array;
/** The engine's own outputs for x (trained model, μP readout multiplier applied). */
let engineOut: Float32Array;
let deps: ExportDeps;

beforeAll(async () => {
  const { tf } = await getBackend();
  x = seededFloats(7)(BATCH * 2, -2, 2);
  const events: RunEvent[] = [];
  await trainRun(
    tf,
    'run_mupexport',
    experiment,
    (e) => events.push(e),
    () => false,
    undefined,
    (model) => {
      weights = readModelWeights(tf, model);
      engineOut = tf.tidy(() => model.forward(tf.tensor2d(x, [BATCH, 2]), { training: false }).output.dataSync() as Float32Array);
    },
  );
  expect(events[events.length - 1]!.type).toBe('finished');
  const started = events.find((e) => e.type === 'started') as Extract<RunEvent, { type: 'started' }>;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-mup-export-'));
  writeWeightsFiles(runWeightsDir(dataDir, 'run_mupexport'), 'run_mupexport', weights);
  const run = { id: 'run_mupexport', name: 'μP export', status: 'completed', experiment, provenance: started.provenance } as unknown as RunSummary;
  // Recording the files in a store is run-export.test.ts's concern; here only the files matter.
  const artifacts = { assertReady: () => undefined, record: () => [] } as unknown as ArtifactStore;
  deps = {
    dataDir,
    appVersion: '0.0.0-test',
    runs: { getRun: (id) => (id === run.id ? run : undefined), getMetrics: () => [] },
    artifacts,
    loadTf: async () => tf,
  };
}, 60_000);

afterAll(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

describe('a μP run exports with its readout multiplier folded into the output kernel', () => {
  it('ONNX in onnxruntime-node gives the engine’s outputs; without the fold it would not', async () => {
    const result = await exportRun(deps, 'run_mupexport', 'onnx', path.join(dataDir, 'onnx'));
    const session = await ort.InferenceSession.create(path.join(result.dir, 'model.onnx'));
    const out = (await session.run({ input: new ort.Tensor('float32', x, [BATCH, 2]) })).output!.data as Float32Array;
    await session.release();
    expect(maxAbsDiff(out, engineOut)).toBeLessThanOrEqual(1e-5);
    // reference.json is the engine's forward pass too
    const ref = JSON.parse(readFileSync(path.join(result.dir, 'reference.json'), 'utf8')) as { inputs: number[][]; outputs: number[][] };
    const refSession = await ort.InferenceSession.create(path.join(result.dir, 'model.onnx'));
    const refOut = (await refSession.run({ input: new ort.Tensor('float32', Float32Array.from(ref.inputs.flat()), [ref.inputs.length, 2]) })).output!
      .data as Float32Array;
    await refSession.release();
    expect(maxAbsDiff(refOut, ref.outputs.flat())).toBeLessThanOrEqual(1e-5);
    // Not vacuous: the raw (unfolded) weights give other outputs.
    const raw = await ort.InferenceSession.create(exportOnnxModel(experiment.network, weights, '0.0.0-test'));
    const rawOut = (await raw.run({ input: new ort.Tensor('float32', x, [BATCH, 2]) })).output!.data as Float32Array;
    await raw.release();
    expect(maxAbsDiff(rawOut, engineOut)).toBeGreaterThan(0.01);
  });

  it('tfjs: tf.loadLayersModel of the export predicts the engine’s outputs', async () => {
    const { tf } = await getBackend();
    const result = await exportRun(deps, 'run_mupexport', 'tfjs', path.join(dataDir, 'tfjs'));
    const model = await tf.loadLayersModel(folderModelHandler(result.dir) as unknown as import('@tensorflow/tfjs').io.IOHandler);
    const y = tf.tidy(() => (model.predict(tf.tensor2d(x, [BATCH, 2])) as import('@tensorflow/tfjs').Tensor).dataSync() as Float32Array);
    model.dispose();
    expect(maxAbsDiff(y, engineOut)).toBeLessThanOrEqual(1e-5);
  });
});
