import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../../contract/index.js';
import { buildLayersModel, exportLayersModel } from '../../../engine/export/layers-model.js';
import { folderModelHandler, writeLayersModelFiles } from '../../../main/export/tfjs-files.js';
import { getBackend } from '../engine/helpers.js';
import { convNetwork, denseNetwork, enginePredict, everyActivation, randomizedModel, seededFloats } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Exports to a temp folder, loads it back with tf.loadLayersModel and predicts; also the engine's output. */
async function roundTrip(network: NetworkSpec, batch: number, scale: number) {
  const { tf } = await getBackend();
  const { model, weights } = randomizedModel(tf, network);
  const dir = mkdtempSync(join(tmpdir(), 'initscope-tfjs-'));
  dirs.push(dir);
  try {
    const x = seededFloats(5)(batch * network.inputShape.reduce((a, b) => a * b, 1), -scale, scale);
    const engine = enginePredict(tf, model, x, batch);
    const built = buildLayersModel(tf, network, weights);
    const before = tf.tidy(() => (built.predict(tf.tensor(x, [batch, ...network.inputShape])) as import('@tensorflow/tfjs').Tensor).dataSync() as Float32Array);
    built.dispose();
    writeLayersModelFiles(dir, await exportLayersModel(tf, network, weights, 'weights.bin', 'InitScope test'));
    const loaded = await tf.loadLayersModel(folderModelHandler(dir) as unknown as import('@tensorflow/tfjs').io.IOHandler);
    const after = tf.tidy(() => (loaded.predict(tf.tensor(x, [batch, ...network.inputShape])) as import('@tensorflow/tfjs').Tensor).dataSync() as Float32Array);
    loaded.dispose();
    return { engine, before, after, dir };
  } finally {
    model.dispose();
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('TensorFlow.js layers-model export', () => {
  it.each(everyActivation().map((a) => [a.name, a] as const))('dense + %s: tf.loadLayersModel gives identical predictions', async (_n, activation) => {
    const { tf } = await getBackend();
    const start = tf.memory().numTensors;
    const { engine, before, after } = await roundTrip(denseNetwork(activation), 12, 4);
    expect(Array.from(after)).toEqual(Array.from(before)); // the file round trip changes nothing
    expect(maxAbsDiff(after, engine)).toBeLessThanOrEqual(1e-5); // and it is the engine's network
    expect(tf.memory().numTensors).toBe(start);
  });

  it('conv2d, batchNorm, pooling, flatten, dropout and elu(α ≠ 1) round-trip', async () => {
    const { engine, before, after, dir } = await roundTrip(convNetwork(), 4, 2);
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(maxAbsDiff(after, engine)).toBeLessThanOrEqual(1e-5);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
      format: string;
      weightsManifest: { paths: string[] }[];
      modelTopology: unknown;
    };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    // only standard Keras layer classes: another Keras/tfjs reader needs no custom code
    const classes = new Set(JSON.stringify(json.modelTopology).match(/"class_name":"[A-Za-z0-9]+"/g));
    for (const c of classes)
      expect(c).toMatch(
        /"(Model|Functional|InputLayer|Dense|Conv2D|BatchNormalization|Activation|MaxPooling2D|AveragePooling2D|Flatten|Dropout|Rescaling|Add|LeakyReLU|[A-Z][A-Za-z]*Initializer|GlorotUniform|Zeros|Ones|VarianceScaling)"/,
      );
  });
});
