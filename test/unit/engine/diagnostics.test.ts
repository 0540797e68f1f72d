import { beforeAll, describe, expect, it } from 'vitest';
import { HISTOGRAM_EDGES, LayerStats, NetworkSpec, type RunEvent } from '../../../contract/index.js';
import { computeLayerStats } from '../../../engine/diagnostics/layer-stats.js';
import { previewInit } from '../../../engine/diagnostics/preview.js';
import { buildModel } from '../../../engine/model.js';
import type { Tensor, TF } from '../../../engine/tf.js';
import { trainRun } from '../../../engine/train.js';
import { collector, dense, experiment, getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

/** Hand computation of the statistics of one layer output (rows = samples, columns = units). */
function handStats(rows: number[][], activation: 'relu' | 'tanh') {
  const all = rows.flat();
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const std = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
  const zero = all.filter((v) => v === 0).length / all.length;
  const units = rows[0]!.length;
  let dead = 0;
  for (let u = 0; u < units; u++) if (rows.every((r) => r[u] === 0)) dead++;
  const histogram = new Array(HISTOGRAM_EDGES.length + 1).fill(0) as number[];
  for (const v of all) {
    let bin = 0;
    while (bin < HISTOGRAM_EDGES.length && v >= HISTOGRAM_EDGES[bin]!) bin++;
    histogram[bin]! += 1 / all.length;
  }
  const saturated = activation === 'tanh' ? all.filter((v) => Math.abs(v) > 0.97).length / all.length : null;
  return { mean, std, zero, dead: dead / units, histogram, saturated };
}

const matmul = (x: number[][], w: number[][], b: number[]) => x.map((row) => b.map((bj, j) => row.reduce((a, xi, i) => a + xi * w[i]![j]!, bj)));
const norm = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + b * b, 0));
const std = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

describe('computeLayerStats', () => {
  it('matches a hand computation on a tiny 2-3-2 network', async () => {
    const start = tf.memory().numTensors;
    const net = NetworkSpec.parse({ inputShape: [2], layers: [dense(3, 'relu'), dense(2, 'tanh')] });
    const model = buildModel(tf, net, { seed: 1 });
    const W1 = [
      [1, -1, 0.5],
      [2, -1, -0.5],
    ];
    const b1 = [0, -10, 0.2]; // unit 1 is dead for every probe sample
    const W2 = [
      [0.5, -2],
      [1, 1],
      [-1, 3],
    ];
    const b2 = [0.1, 0];
    const X = [
      [1, 2],
      [0.5, -1],
      [2, 0.1],
      [-1, -1],
      [3, 3],
    ];
    const [k1, c1, k2, c2] = model.variables;
    tf.tidy(() => {
      k1!.assign(tf.tensor2d(W1));
      c1!.assign(tf.tensor1d(b1));
      k2!.assign(tf.tensor2d(W2));
      c2!.assign(tf.tensor1d(b2));
    });
    // Pretend the step moved W1 from `old1` and had these gradients.
    const old1 = [
      [1.1, -1, 0.4],
      [2, -0.9, -0.5],
    ];
    const g = {
      k1: [
        [0.1, 0, -0.2],
        [0.3, 0, 0.05],
      ],
      c1: [0.01, 0, -0.02],
      k2: [
        [1, 2],
        [0, 0],
        [-1, 0.5],
      ],
      c2: [0.3, -0.4],
    };
    const tensors: Tensor[] = [];
    const t = <T extends Tensor>(x: T) => (tensors.push(x), x);
    const grads = { [k1!.name]: t(tf.tensor2d(g.k1)), [c1!.name]: t(tf.tensor1d(g.c1)), [k2!.name]: t(tf.tensor2d(g.k2)), [c2!.name]: t(tf.tensor1d(g.c2)) };
    const before = new Map([[k1!.name, t(tf.tensor2d(old1))]]);
    const probe = t(tf.tensor2d(X));
    const stats = await computeLayerStats(tf, model, probe, grads, before);
    for (const x of tensors) x.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    stats.forEach((s) => LayerStats.parse(s));

    const h1 = matmul(X, W1, b1).map((r) => r.map((v) => Math.max(v, 0)));
    const h2 = matmul(h1, W2, b2).map((r) => r.map(Math.tanh));
    const e1 = handStats(h1, 'relu');
    const e2 = handStats(h2, 'tanh');
    const [s1, s2] = stats as [LayerStats, LayerStats];
    expect(s1.layer).toBe('dense_0');
    expect(s1.activationMean!).toBeCloseTo(e1.mean, 5);
    expect(s1.activationStd!).toBeCloseTo(e1.std, 5);
    expect(s1.zeroFraction!).toBeCloseTo(e1.zero, 6);
    expect(s1.deadFraction).toBeCloseTo(1 / 3, 6);
    expect(e1.dead).toBeCloseTo(1 / 3, 6);
    expect(s1.saturatedFraction).toBeNull();
    s1.histogram.forEach((v, i) => expect(v, `bin ${i}`).toBeCloseTo(e1.histogram[i]!, 5));
    expect(s1.weightStd!).toBeCloseTo(std(W1.flat()), 5);
    expect(s1.gradientNorm!).toBeCloseTo(norm([...g.k1.flat(), ...g.c1]), 5);
    const diff = W1.flat().map((v, i) => v - old1.flat()[i]!);
    expect(s1.updateRatio!).toBeCloseTo(norm(diff) / norm(old1.flat()), 5);

    expect(s2.activationMean!).toBeCloseTo(e2.mean, 5);
    expect(s2.activationStd!).toBeCloseTo(e2.std, 5);
    expect(s2.saturatedFraction!).toBeCloseTo(e2.saturated!, 6);
    expect(e2.saturated!).toBeGreaterThan(0);
    expect(s2.deadFraction).toBe(0);
    s2.histogram.forEach((v, i) => expect(v, `bin ${i}`).toBeCloseTo(e2.histogram[i]!, 5));
    expect(s2.gradientNorm!).toBeCloseTo(norm([...g.k2.flat(), ...g.c2]), 5);
    expect(s2.updateRatio).toBeNull(); // no snapshot of its kernel was given
  });
});

/** Runs trainRun, asserting no tensor leaks and exactly one terminal event. */
async function run(exp: ReturnType<typeof experiment>, cancelWhen: (events: RunEvent[]) => boolean = () => false) {
  const before = tf.memory().numTensors;
  const { events, emit } = collector();
  await trainRun(tf, 'run-d', exp, emit, () => cancelWhen(events));
  expect(tf.memory().numTensors).toBe(before);
  return { events, terminal: events[events.length - 1]! };
}

describe('diagnostics during training', () => {
  it('emits layerStats at step 1 and every K steps, and leaks nothing after a cancel', async () => {
    const exp = experiment({
      network: {
        inputShape: [2],
        layers: [dense(16, 'relu'), { type: 'batchNorm' }, { type: 'activation', activation: { name: 'tanh' } }, dense(2, 'softmax')],
      },
      train: { epochs: 10, statsEvery: 4, probeSize: 32, optimizer: { name: 'adamw', learningRate: 0.01 }, lrSchedule: { name: 'cosine' } },
    });
    const { events, terminal } = await run(exp, (seen) => seen.filter((e) => e.type === 'progress').length >= 2);
    expect(terminal).toMatchObject({ type: 'cancelled', epoch: 2, step: 20 });
    const stats = events.filter((e) => e.type === 'layerStats');
    expect(stats.map((e) => e.step)).toEqual([1, 4, 8, 12, 16, 20]);
    const first = stats[0]!;
    expect(first.layers.map((l) => l.layer)).toEqual(['dense_0', 'batchNorm_1', 'activation_2', 'dense_3']);
    expect(first.layers[2]!.saturatedFraction).not.toBeNull();
    expect(first.layers[2]!.gradientNorm).toBeNull();
    expect(first.layers[1]!.gradientNorm).toBeGreaterThan(0);
    expect(first.layers[0]!.updateRatio).toBeGreaterThan(0);
    for (const l of first.layers) expect(l.histogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('records nothing with statsEvery 0, and stops early once the target metric is reached', async () => {
    // train.seed 4 passes trainAcc 0.6 at epoch 8 on this split (see 'learns the spiral' in train.test.ts).
    const { events, terminal } = await run(experiment({ train: { epochs: 30, seed: 4, statsEvery: 0, earlyStop: { metric: 'trainAcc', target: 0.6 } } }));
    expect(events.some((e) => e.type === 'layerStats')).toBe(false);
    expect(terminal.type).toBe('finished');
    if (terminal.type !== 'finished') return;
    expect(terminal.stoppedEarly).toBe(true);
    expect(terminal.epochs).toBeLessThan(30);
    expect(terminal.metrics.trainAcc!).toBeGreaterThanOrEqual(0.6);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.slice(0, -1).every((e) => e.point.trainAcc! < 0.6)).toBe(true);
  });

  it('names the first layer whose output overflowed, not the first layer of the network', async () => {
    // dense_1 multiplies 16 relu outputs by 10^38: its output overflows float32 to Infinity at step 1.
    // Every gradient is then NaN, so a gradient-based guess would blame dense_0.
    const exp = experiment({
      network: {
        inputShape: [2],
        layers: [
          dense(16, 'relu', { kernelInitializer: { name: 'constant', value: 1 } }),
          dense(8, 'linear', { kernelInitializer: { name: 'constant', value: 1e38 } }),
          dense(2, 'softmax'),
        ],
      },
      train: { epochs: 2 },
    });
    const { terminal } = await run(exp);
    expect(terminal).toMatchObject({ type: 'diverged', step: 1, epoch: 1, layer: 'dense_1' });
  });
});

describe('previewInit', () => {
  it('reports per-layer statistics next to mean-field theory, for several initializers, without leaks', async () => {
    const before = tf.memory().numTensors;
    const layers = [dense(256, 'relu'), dense(256, 'relu'), dense(256, 'relu'), dense(2, 'softmax')];
    const exp = experiment({ dataset: { builtin: 'gaussian', samples: 600 }, network: { inputShape: [2], layers } });
    const [he, small] = await previewInit(tf, exp, [{ name: 'heNormal' }, { name: 'normal', mean: 0, std: 0.01 }], 256);
    expect(tf.memory().numTensors).toBe(before);
    expect(he!.initializer).toEqual({ name: 'heNormal' });
    expect(he!.layers.map((l) => l.layer)).toEqual(['dense_0', 'dense_1', 'dense_2', 'dense_3']);
    for (const l of he!.layers.slice(1, 3)) {
      expect(Math.abs(l.activationStd! / l.theoryStd! - 1), l.layer).toBeLessThan(0.15);
      expect(Math.abs(l.weightStd! / l.theoryWeightStd! - 1), l.layer).toBeLessThan(0.05);
      expect(l.theoryWeightStd).toBeCloseTo(Math.sqrt(2 / 256), 10);
    }
    expect(he!.layers[3]!.theoryStd).toBeNull(); // softmax
    expect(he!.loss).toBeGreaterThan(0);
    // N(0, 0.01) shrinks the signal ≈ 0.11× per 256-unit relu layer and the back-propagated gradient with it.
    expect(small!.layers[2]!.activationStd! / small!.layers[1]!.activationStd!).toBeLessThan(0.2);
    expect(small!.layers[0]!.gradientStd!).toBeLessThan(he!.layers[0]!.gradientStd! / 10);
    for (const l of small!.layers.slice(0, 3)) expect(Math.abs(l.activationStd! / l.theoryStd! - 1), l.layer).toBeLessThan(0.15);
  });
});
