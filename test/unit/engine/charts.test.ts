import { beforeAll, describe, expect, it } from 'vitest';
import {
  DISTRIBUTION_PERCENTILES,
  LayerStats,
  NetworkSpec,
  RANGE_HISTOGRAM_BINS,
  stepLossWindow,
  type RunEvent,
  type StepLossPoint,
} from '../../../contract/index.js';
import { loadDataset } from '../../../engine/datasets/index.js';
import { datasetSplit } from '../../../engine/datasets/split.js';
import { computeLayerStats } from '../../../engine/diagnostics/layer-stats.js';
import { buildModel } from '../../../engine/model.js';
import { deriveSeed, Random } from '../../../engine/random.js';
import type { Tensor, TF } from '../../../engine/tf.js';
import { trainRun } from '../../../engine/train.js';
import { collector, dense, experiment, getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

/** numpy.percentile's default ('linear') on a plain array: the independent reference. */
function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (p / 100) * (s.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/** Fractions of `values` in RANGE_HISTOGRAM_BINS equal bins over their own [min, max] (max in the last bin). */
function rangeCounts(values: readonly number[]): number[] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const counts = new Array<number>(RANGE_HISTOGRAM_BINS).fill(0);
  for (const v of values) {
    const bin = max === min ? 0 : Math.min(RANGE_HISTOGRAM_BINS - 1, Math.floor(((v - min) / (max - min)) * RANGE_HISTOGRAM_BINS));
    counts[bin]! += 1 / values.length;
  }
  return counts;
}

/** Runs trainRun, asserting that every tensor it created is freed. */
async function run(exp: ReturnType<typeof experiment>): Promise<RunEvent[]> {
  const start = tf.memory().numTensors;
  const { events, emit } = collector();
  await trainRun(tf, 'run-c', exp, emit, () => false);
  expect(tf.memory().numTensors).toBe(start);
  return events;
}

const stepPoints = (events: RunEvent[]): StepLossPoint[] => events.flatMap((e) => (e.type === 'stepLoss' ? e.points : []));

describe('distributions and data-range histograms', () => {
  it('weight and gradient percentiles equal a direct computation on the weights; the range histogram follows a collapsed layer', async () => {
    const start = tf.memory().numTensors;
    // Layer 2 is a tanh of inputs scaled by 1e-7: its output is ~1e-7, all in one bin of the fixed −4…4 edges.
    const net = NetworkSpec.parse({
      inputShape: [3],
      layers: [dense(40, 'relu', { kernelInitializer: { name: 'heNormal' } }), dense(7, 'tanh', { kernelInitializer: { name: 'normal', mean: 0, std: 1e-7 } })],
    });
    const model = buildModel(tf, net, { seed: 5 });
    const [k1, , k2] = model.variables;
    const tensors: Tensor[] = [];
    const keep = <T extends Tensor>(x: T) => (tensors.push(x), x);
    const g1 = keep(tf.randomNormal(k1!.shape, 0, 0.3, 'float32', 11));
    const g2 = keep(tf.randomNormal(k2!.shape, 0, 2, 'float32', 12));
    const probe = keep(tf.randomNormal([50, 3], 0, 1, 'float32', 13));
    const stats = await computeLayerStats(tf, model, probe, { [k1!.name]: g1, [k2!.name]: g2 }, null);
    const w1 = Array.from(k1!.dataSync());
    const w2 = Array.from(k2!.dataSync());
    const grad1 = Array.from(g1.dataSync());
    const output = tf.tidy(() => model.forward(probe, { training: false }).output);
    const out2 = Array.from(output.dataSync());
    output.dispose();
    for (const t of tensors) t.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    stats.forEach((s) => LayerStats.parse(s));
    const [s1, s2] = stats as [LayerStats, LayerStats];

    expect(s1.weightPercentiles).toHaveLength(DISTRIBUTION_PERCENTILES.length);
    DISTRIBUTION_PERCENTILES.forEach((p, i) => {
      expect(s1.weightPercentiles![i], `weight p${p}`).toBeCloseTo(percentile(w1, p), 6);
      expect(s1.gradientPercentiles![i], `gradient p${p}`).toBeCloseTo(percentile(grad1, p), 6);
      expect(s2.weightPercentiles![i]! / 1e-7, `tiny weight p${p}`).toBeCloseTo(percentile(w2, p) / 1e-7, 4);
    });
    expect(s1.weightPercentiles![0]).toBe(Math.min(...w1));
    expect(s1.weightPercentiles![8]).toBe(Math.max(...w1));

    // The collapsed layer: two bars either side of 0 on the fixed edges, its shape over its own range.
    const nonEmpty = s2.histogram.flatMap((c, i) => (c > 0 ? [i] : []));
    expect(nonEmpty).toEqual([10, 11]);
    const range = s2.rangeHistogram!;
    expect(range.min).toBeCloseTo(Math.min(...out2), 12);
    expect(range.max).toBeCloseTo(Math.max(...out2), 12);
    expect(Math.abs(range.max)).toBeLessThan(1e-5);
    expect(range.max - range.min).toBeGreaterThan(0);
    const expected = rangeCounts(out2);
    range.counts.forEach((c, i) => expect(c, `bin ${i}`).toBeCloseTo(expected[i]!, 6));
    expect(range.counts.filter((c) => c > 0).length).toBeGreaterThan(3);
  });
});

describe('per-step training loss', () => {
  it('each point is the sample-weighted mean of its window of batch losses, computed independently', async () => {
    // lr 1e-30: the weights never move in float32, so every batch loss is that of the initial model.
    // 320 training samples in batches of 7 (the last one 5), 34 epochs: 1564 steps, windows of 2.
    const exp = experiment({ train: { epochs: 34, batchSize: 7, statsEvery: 0, optimizer: { name: 'sgd', learningRate: 1e-30 } } });
    const events = await run(exp);
    expect(events[events.length - 1]!.type).toBe('finished');
    const points = stepPoints(events);

    const data = loadDataset(exp.dataset);
    const split = datasetSplit(exp.dataset, data, exp.train.validationSplit);
    const n = split.train.length;
    const stepsPerEpoch = Math.ceil(n / 7);
    const total = exp.train.epochs * stepsPerEpoch;
    const window = stepLossWindow(total);
    expect(window).toBe(2);
    // Per-sample cross-entropy of the initial model, by hand from its softmax output.
    const model = buildModel(tf, exp.network, { seed: exp.train.seed });
    const probs = tf.tidy(() => model.forward(tf.tensor2d(data.x, [data.y.length, 2]), { training: false }).output);
    const p = probs.arraySync() as number[][];
    probs.dispose();
    model.dispose();
    const sampleLoss = (i: number) => -Math.log(p[i]![data.y[i]!]!);
    // The engine's batches: the training split shuffled per epoch by deriveSeed(seed, 'shuffle').
    const rng = new Random(deriveSeed(exp.train.seed, 'shuffle'));
    const order = split.train.slice();
    const expected: StepLossPoint[] = [];
    let sum = 0;
    let count = 0;
    let step = 0;
    for (let epoch = 0; epoch < exp.train.epochs; epoch++) {
      rng.shuffle(order);
      for (let s = 0; s < n; s += 7) {
        step++;
        const batch = Array.from(order.slice(s, Math.min(n, s + 7)));
        const batchMean = batch.reduce((a, i) => a + sampleLoss(i), 0) / batch.length;
        sum += batchMean * batch.length;
        count += batch.length;
        if (step % window === 0 || step === total) {
          expected.push({ step, loss: sum / count });
          sum = 0;
          count = 0;
        }
      }
    }
    expect(points.map((q) => q.step)).toEqual(expected.map((q) => q.step));
    points.forEach((q, i) => expect(q.loss!, `step ${q.step}`).toBeCloseTo(expected[i]!.loss!, 4));
    // Sent in batches: far fewer events than points, the first one before the first epoch ended.
    const stepEvents = events.filter((e) => e.type === 'stepLoss');
    expect(stepEvents.length).toBeLessThan(points.length / 10);
    const firstProgress = events.findIndex((e) => e.type === 'progress');
    expect(events.findIndex((e) => e.type === 'stepLoss')).toBeLessThan(firstProgress);
  });

  it('a run that diverges ends its step curve with a null point at the diverged step, sent before the terminal event', async () => {
    // Two linear layers of constant weights 1 under SGD at lr 10: the loss overflows after a few finite steps (step 6 here).
    const linear = () => dense(16, 'linear', { kernelInitializer: { name: 'constant', value: 1 } });
    const exp = experiment({
      network: { inputShape: [2], layers: [linear(), linear(), dense(2, 'softmax')] },
      train: { epochs: 2, batchSize: 16, optimizer: { name: 'sgd', learningRate: 10 }, statsEvery: 1 },
    });
    const events = await run(exp);
    const terminal = events[events.length - 1]!;
    expect(terminal.type).toBe('diverged');
    if (terminal.type !== 'diverged') return;
    const points = stepPoints(events);
    expect(terminal.step).toBeGreaterThan(2);
    expect(points.map((q) => q.step)).toEqual(Array.from({ length: terminal.step }, (_, i) => i + 1));
    expect(points[points.length - 1]).toEqual({ step: terminal.step, loss: null });
    expect(points.slice(0, -1).every((q) => q.loss !== null && Number.isFinite(q.loss))).toBe(true);
    expect(events[events.length - 2]!.type).toBe('stepLoss');
  });
});
