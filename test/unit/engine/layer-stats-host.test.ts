import { beforeAll, describe, expect, it } from 'vitest';
import { DISTRIBUTION_PERCENTILES, HISTOGRAM_EDGES, NetworkSpec } from '../../../contract/index.js';
import { percentiles, rangeBins } from '../../../engine/diagnostics/distributions.js';
import { fractionF32, momentsF32, sumF32, sumSquaredDifferencesF32, sumSquaresF32 } from '../../../engine/diagnostics/float32-reductions.js';
import { fixedBinsHost, percentilesHost, rangeBinsHost } from '../../../engine/diagnostics/host-distributions.js';
import { computeLayerStats, layerStatsPath, mainWeight } from '../../../engine/diagnostics/layer-stats.js';
import { buildModel } from '../../../engine/model.js';
import { Random } from '../../../engine/random.js';
import type { Tensor, TF } from '../../../engine/tf.js';
import { dense, getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

/** Float32 values of mixed scales with exact ties, ±0, and (optionally) NaN/±Infinity at given places. */
function adversarial(n: number, seed: number, specials: Record<number, number> = {}): Float32Array {
  const rng = new Random(seed);
  const v = Float32Array.from({ length: n }, () => {
    const r = rng.next();
    if (r < 0.1) return 0;
    if (r < 0.2) return -0;
    if (r < 0.3) return 0.25 * Math.floor(rng.next() * 8 - 4); // exact ties
    return (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 8 - 4);
  });
  for (const [i, x] of Object.entries(specials)) v[Number(i)] = x;
  return v;
}

/** A tensor op's float32 result as numbers, the tensors freed. */
function onDevice(f: () => Tensor): number[] {
  return Array.from(tf.tidy(f).dataSync());
}

describe('float32 reductions on the host (float32-reductions.ts)', () => {
  it('give the bits of tf.sum, tf.moments and sum-of-squares on wasm', () => {
    for (const [n, seed] of [
      [1, 1],
      [17, 2],
      [5000, 3],
      [200_704, 4],
    ] as const) {
      const a = adversarial(n, seed);
      const b = adversarial(n, seed + 100);
      const x = tf.tensor1d(a);
      const y = tf.tensor1d(b);
      const m = tf.tidy(() => {
        const { mean, variance } = tf.moments(x);
        return [mean.dataSync()[0], variance.dataSync()[0]];
      });
      expect(Object.is(sumF32(a), onDevice(() => tf.sum(x))[0]), `sum n=${n}`).toBe(true);
      expect(Object.is(sumSquaresF32(a), onDevice(() => tf.sum(tf.square(x)))[0]), `sumSquares n=${n}`).toBe(true);
      expect(Object.is(sumSquaredDifferencesF32(a, b), onDevice(() => tf.sum(tf.square(tf.sub(x, y))))[0]), `diff n=${n}`).toBe(true);
      expect(momentsF32(a)).toEqual({ mean: m[0], variance: m[1] });
      x.dispose();
      y.dispose();
    }
  });

  it('agree with a float64 computation to float32 accuracy', () => {
    const a = adversarial(100_000, 9).map((v) => v + 3);
    let s = 0;
    for (const v of a) s += v;
    const mean = s / a.length;
    let q = 0;
    for (const v of a) q += (v - mean) ** 2;
    const m = momentsF32(a);
    expect(Math.abs(m.mean - mean) / Math.abs(mean)).toBeLessThan(1e-4);
    expect(Math.abs(m.variance - q / a.length) / (q / a.length)).toBeLessThan(1e-4);
  });

  it('count fractions as a float32 accumulator of ones does, also past 2^24', () => {
    const accumulate = (count: number) => {
      let s = 0;
      for (let i = 0; i < count; i++) s = Math.fround(s + 1);
      return s;
    };
    for (const count of [0, 1, 7, 2 ** 24 - 1, 2 ** 24, 2 ** 24 + 3]) {
      const n = 2 ** 24 + 5;
      expect(fractionF32(count, n)).toBe(Math.fround(accumulate(count) / Math.fround(n)));
    }
    expect(fractionF32(3, 7)).toBe(Math.fround(3 / 7));
  });
});

describe('histogram bins and percentiles on the host (host-distributions.ts)', () => {
  const cases: Array<[string, Float32Array]> = [
    ['mixed', adversarial(3000, 5)],
    ['NaN inside, ±Infinity', adversarial(500, 6, { 10: Number.NaN, 20: Number.POSITIVE_INFINITY, 30: Number.NEGATIVE_INFINITY })],
    ['NaN first', adversarial(100, 7, { 0: Number.NaN })],
    ['edges exactly', Float32Array.from([...HISTOGRAM_EDGES, -4.0000001, 3.9999999, 1e30, -1e30])],
    ['all equal', new Float32Array(50).fill(0.3)],
    ['one value', Float32Array.from([-2.5])],
    ['±0 only', Float32Array.from([0, -0, -0, 0, 0, -0])],
    ['±0 only, −0 first', Float32Array.from([-0, 0, 0, -0])],
    ['NaN last', Float32Array.from([1, -2, 3, Number.NaN])],
  ];

  it('fixed-edge and range bins equal the device ops on wasm, NaN and ±Infinity included', () => {
    const lo = HISTOGRAM_EDGES[0] as number;
    const width = (HISTOGRAM_EDGES[HISTOGRAM_EDGES.length - 1]! - lo) / (HISTOGRAM_EDGES.length - 1);
    for (const [name, v] of cases) {
      const x = tf.tensor1d(v);
      const fixed = onDevice(() => tf.cast(tf.clipByValue(tf.add(tf.floor(tf.div(tf.sub(x, lo), width)), 1), 0, HISTOGRAM_EDGES.length), 'int32'));
      const range = tf.tidy(() => {
        const r = rangeBins(tf, x);
        return { bounds: Array.from(r.bounds.dataSync()), bins: Array.from(r.bins.dataSync()) };
      });
      x.dispose();
      const out = new Float32Array(2 * v.length);
      fixedBinsHost(v, out, 0);
      const bounds = rangeBinsHost(v, out, v.length);
      expect(Array.from(out.subarray(0, v.length)), name).toEqual(fixed);
      expect(bounds, name).toEqual(range.bounds);
      // Bins are read only where both bounds are finite (readRange).
      if (bounds.every(Number.isFinite)) expect(Array.from(out.subarray(v.length)), name).toEqual(range.bins);
    }
  });

  it('percentiles equal tf.topk-based percentiles on wasm bit for bit (ties between −0 and +0 included)', () => {
    for (const [name, v] of [...cases.filter(([, c]) => !c.some(Number.isNaN)), ['wide', adversarial(40_000, 8)] as [string, Float32Array]]) {
      const x = tf.tensor1d(v);
      const expected = onDevice(() => percentiles(tf, x));
      x.dispose();
      const out = new Float32Array(DISTRIBUTION_PERCENTILES.length);
      percentilesHost(v, out, 0);
      expect(Array.from(out), name).toEqual(expected);
    }
  });

  it('percentiles agree with numpy-style linear interpolation in float64, and a NaN gives NaN', () => {
    const v = adversarial(9999, 12);
    const sorted = Array.from(v).sort((a, b) => a - b);
    const out = new Float32Array(DISTRIBUTION_PERCENTILES.length);
    percentilesHost(v, out, 0);
    DISTRIBUTION_PERCENTILES.forEach((p, k) => {
      const h = (p / 100) * (sorted.length - 1);
      const l = Math.floor(h);
      const exact = sorted[l]! + (h - l) * (sorted[Math.min(l + 1, sorted.length - 1)]! - sorted[l]!);
      expect(Math.abs(out[k]! - exact), `p${p}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(exact)));
    });
    percentilesHost(adversarial(100, 13, { 50: Number.NaN }), out, 0);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });
});

describe('computeLayerStats: host path on wasm equals the tf-op path', () => {
  const networks: Array<[string, unknown]> = [
    [
      'dense tanh/sigmoid/hardSigmoid/relu, batchNorm',
      {
        inputShape: [12],
        layers: [
          dense(40, 'tanh'),
          { type: 'batchNorm' },
          dense(30, 'sigmoid'),
          dense(20, 'hardSigmoid'),
          dense(16, 'relu', { useBias: true }),
          dense(3, 'softmax'),
        ],
      },
    ],
    [
      'conv, maxPool, flatten',
      {
        inputShape: [8, 8, 2],
        layers: [
          { type: 'conv2d', filters: 6, kernelSize: 3, activation: { name: 'relu' } },
          { type: 'maxPool2d', poolSize: 2 },
          { type: 'flatten' },
          dense(4, 'softmax'),
        ],
      },
    ],
    ['wide layer (strided histogram and percentile samples)', { inputShape: [30], layers: [dense(700, 'tanh'), dense(2, 'softmax')] }],
  ];

  for (const [name, network] of networks) {
    it(`${name}: every field the same bits, nothing leaked`, async () => {
      const start = tf.memory().numTensors;
      const model = buildModel(tf, NetworkSpec.parse(network), { seed: 4 });
      const rng = new Random(21);
      const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
      // Large inputs saturate tanh and sigmoid; a negative bias kills relu units.
      const probe = tf.tensor(
        Float32Array.from({ length: 48 * rowSize }, () => (rng.next() < 0.3 ? 0 : (rng.next() - 0.5) * 8)),
        [48, ...model.inputShape],
      );
      const tensors: Tensor[] = [probe];
      const grads: Record<string, Tensor> = {};
      const before = new Map<string, Tensor>();
      for (const layer of model.layers) {
        for (const p of layer.params) {
          const g = tf.tensor(
            Float32Array.from({ length: p.variable.size }, (_, i) => (i % 5 === 0 ? 0 : (rng.next() - 0.5) * 0.01)),
            p.variable.shape,
          );
          grads[p.variable.name] = g;
          tensors.push(g);
        }
        const w = mainWeight(layer);
        if (w) {
          const old = tf.tidy(() => tf.sub(w, tf.mul(grads[w.name]!, 0.1)));
          before.set(w.name, old);
          tensors.push(old);
        }
      }
      const relu = model.layers.find((l) => l.activation?.name === 'relu' && l.params.length > 1);
      if (relu) tf.tidy(() => relu.params[1]!.variable.assign(tf.fill(relu.params[1]!.variable.shape, -0.5)));
      const afterSetup = tf.memory().numTensors;
      expect(layerStatsPath(tf)).toBe('host');
      const host = await computeLayerStats(tf, model, probe, grads, before, 'host');
      expect(tf.memory().numTensors).toBe(afterSetup);
      const device = await computeLayerStats(tf, model, probe, grads, before, 'device');
      const bare = await computeLayerStats(tf, model, probe, null, null, 'host');
      const bareDevice = await computeLayerStats(tf, model, probe, null, null, 'device');
      for (const t of tensors) t.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(start);
      expect(host).toEqual(device);
      expect(bare).toEqual(bareDevice);
      expect(host.some((s) => s.saturatedFraction !== null && s.saturatedFraction > 0)).toBe(name !== 'conv, maxPool, flatten');
    });
  }

  it("a NaN weight: the same bits in every field but that layer's weight percentiles, which are null", async () => {
    const model = buildModel(tf, NetworkSpec.parse({ inputShape: [6], layers: [dense(10, 'relu'), dense(5, 'tanh'), dense(2, 'softmax')] }), { seed: 2 });
    const probe = tf.tensor2d(
      adversarial(16 * 6, 3).map((v) => (Object.is(v, -0) ? 0.5 : v)),
      [16, 6],
    );
    const k = mainWeight(model.layers[0]!)!;
    tf.tidy(() => {
      const v = k.dataSync().slice();
      v[3] = Number.NaN; // row 0, unit 3: that unit's outputs are NaN, and everything after it
      k.assign(tf.tensor(v, k.shape));
    });
    const host = await computeLayerStats(tf, model, probe, null, null, 'host');
    const device = await computeLayerStats(tf, model, probe, null, null, 'device');
    probe.dispose();
    model.dispose();
    expect(host[0]!.weightPercentiles).toBeNull();
    expect(host.map((s) => ({ ...s, weightPercentiles: null }))).toEqual(device.map((s) => ({ ...s, weightPercentiles: null })));
    expect(host[1]!.activationMean).toBeNull();
  });
});
