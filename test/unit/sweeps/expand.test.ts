import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SWEEP_RUNS, SweepSpec, type DenseLayerSpec } from '../../../contract/index.js';
import { buildModel } from '../../../engine/model.js';
import { readSweepFile } from '../../../main/cli/sweep-command.js';
import { expandSweep, planSweep } from '../../../main/services/sweep-expand.js';
import { getBackend } from '../engine/helpers.js';
import { tinySweep } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../../..');
const denseLayers = (layers: readonly { type: string }[]) => layers.filter((l): l is DenseLayerSpec => l.type === 'dense');

describe('sweep expansion', () => {
  it('is the product of the axes × seeds, seeds outermost, the last axis fastest', () => {
    const { plan, runs } = expandSweep(tinySweep());
    expect(plan.total).toBe(8);
    expect(plan.description).toBe('2 initializer × 2 activation × 2 seeds = 8 runs');
    expect(plan.axes).toEqual([
      { name: 'initializer', labels: ['glorotNormal', 'heNormal'] },
      { name: 'activation', labels: ['tanh', 'relu'] },
    ]);
    expect(runs.map((r) => [r.seedIndex, r.coords.initializer, r.coords.activation])).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 1, 1],
      [1, 0, 0],
      [1, 0, 1],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    expect(runs.map((r) => r.experiment.train.seed)).toEqual([11, 11, 11, 11, 12, 12, 12, 12]);
    const r = runs[3]!.experiment;
    const [hidden, output] = denseLayers(r.network.layers);
    expect(hidden).toMatchObject({ activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } });
    // The output layer takes the initializer but keeps its softmax.
    expect(output).toMatchObject({ activation: { name: 'softmax' }, kernelInitializer: { name: 'heNormal' } });
    expect(r.name).toBe('tiny · initializer=heNormal · activation=relu · seed=11');
  });

  it('applies optimizer, learning rate, batch size and depth', () => {
    const spec = tinySweep({
      axes: {
        optimizer: [{ name: 'sgd' }, { name: 'momentum', momentum: 0.5 }],
        learningRate: [0.5],
        batchSize: [8],
        depth: [1, 3],
        seeds: 1,
      },
    });
    const { runs, plan } = expandSweep(spec);
    expect(plan.axes.map((a) => a.labels)).toEqual([['sgd lr=0.1', 'momentum lr=0.05 m=0.5'], ['0.5'], ['8'], ['1', '3']]);
    const deep = runs.find((x) => x.coords.optimizer === 1 && x.coords.depth === 1)!.experiment;
    expect(deep.train.optimizer).toMatchObject({ name: 'momentum', momentum: 0.5, learningRate: 0.5 });
    expect(deep.train.batchSize).toBe(8);
    expect(denseLayers(deep.network.layers).map((l) => [l.units, l.activation.name])).toEqual([
      [8, 'tanh'],
      [8, 'tanh'],
      [8, 'tanh'],
      [2, 'softmax'],
    ]);
  });

  it('refuses absurd sweeps with the breakdown, and repeated axis values by field', () => {
    const huge = tinySweep({
      axes: {
        learningRate: Array.from({ length: 40 }, (_, i) => 0.001 * (i + 1)),
        batchSize: Array.from({ length: 20 }, (_, i) => i + 1),
        seeds: 3,
      },
    });
    expect(() => planSweep(huge)).toThrow(`40 learningRate × 20 batchSize × 3 seeds = 2400 runs; the limit is ${MAX_SWEEP_RUNS} runs`);
    const repeated = tinySweep({ axes: { activation: [{ name: 'relu' }, { name: 'tanh' }, { name: 'relu' }], seeds: 1 } });
    expect(() => planSweep(repeated)).toThrow('axes.activation.2: repeats axes.activation.0');
    expect(SweepSpec.safeParse({ ...tinySweep(), axes: { seeds: 0 } }).success).toBe(false);
  });

  it('refuses a depth axis on a network without hidden dense layers, naming the field', () => {
    const spec = tinySweep({ axes: { depth: [2], seeds: 1 } });
    spec.base.network.layers = [spec.base.network.layers[1]!];
    expect(() => expandSweep(spec)).toThrow(/axes\.depth: the base network has no hidden dense layer/);
  });

  it('gives runs of one seed the same initial weights when only the activation differs', async () => {
    const { tf } = await getBackend();
    const start = tf.memory().numTensors;
    const { runs } = expandSweep(tinySweep({ axes: { activation: [{ name: 'tanh' }, { name: 'elu' }], initializer: [{ name: 'heNormal' }], seeds: 2 } }));
    const weights = runs.map((run) => {
      const model = buildModel(tf, run.experiment.network, { seed: run.experiment.train.seed });
      const values = model.variables.map((v) => Array.from(v.dataSync()));
      model.dispose();
      return values;
    });
    expect(weights[0]).toEqual(weights[1]); // seed 11: tanh vs elu
    expect(weights[2]).toEqual(weights[3]); // seed 12
    expect(weights[0]).not.toEqual(weights[2]); // another seed draws other weights
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('example sweeps', () => {
  it('seed-article.json is the 784-256-128-10 digits grid: 5 activations × 3 initializers × 3 seeds', () => {
    const spec = readSweepFile(path.join(root, 'examples/seed-article.json'));
    const { plan, runs } = expandSweep(spec);
    expect(plan.description).toBe('3 initializer × 5 activation × 3 seeds = 45 runs');
    expect(plan.axes[0]!.labels).toEqual(['normal(0, 0.02)', 'glorotNormal', 'heNormal']);
    expect(plan.axes[1]!.labels).toEqual(['sigmoid', 'tanh', 'relu', 'leakyRelu(0.01)', 'elu(1)']);
    const first = runs[0]!.experiment;
    expect(first.dataset).toMatchObject({ builtin: 'mnist' });
    expect(first.network.inputShape).toEqual([784]);
    expect(denseLayers(first.network.layers).map((l) => l.units)).toEqual([256, 128, 10]);
  });

  it('sweep-circle-small.json expands to 16 runs, and a bad file is refused naming the field', () => {
    expect(planSweep(readSweepFile(path.join(root, 'examples/sweep-circle-small.json'))).total).toBe(16);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-sweep-file-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...tinySweep(), axes: { activation: [{ name: 'relu' }, { name: 'nope' }] } }));
    expect(() => readSweepFile(bad)).toThrow(/bad\.json: Invalid sweep: axes\.activation\.1\.name/);
    writeFileSync(bad, '{\n  "name": "x",\n  oops\n}');
    expect(() => readSweepFile(bad)).toThrow(/bad\.json:3:\d+: invalid JSON/);
    rmSync(dir, { recursive: true, force: true });
  });
});
