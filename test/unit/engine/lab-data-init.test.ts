import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataInitConfig, NetworkSpec } from '../../../contract/index.js';
import { readModelWeights } from '../../../engine/export/weights.js';
import { applyDataInit } from '../../../engine/lab/data-init.js';
import { buildModel, type Model } from '../../../engine/model.js';
import { Random } from '../../../engine/random.js';
import type { TF } from '../../../engine/tf.js';
import { trainRun } from '../../../engine/train.js';
import { collector, experiment, getBackend } from './helpers.js';

/*
 * The per-unit data-dependent init (Salimans & Kingma 2016 §3): after it, every unit's pre-activation on
 * the batch has mean 0 (layers with a bias) and standard deviation targetStd. The check recomputes the
 * forward pass independently, in float64 JavaScript from the stored weights (not with the engine's layers),
 * for dense layers and for a conv2d layer's output channels.
 */

let tf: TF;
let start: number;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

function samples(n: number, size: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n * size }, () => 3 * rng.normal() + 0.5);
}

interface UnitStats {
  mean: number[];
  std: number[];
}

/** Float64 per-unit mean and population std of rows [m][units]. */
function unitStats(rows: number[][]): UnitStats {
  const units = rows[0]!.length;
  const mean = Array.from({ length: units }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
  const std = mean.map((m, j) => Math.sqrt(rows.reduce((a, r) => a + (r[j]! - m) ** 2, 0) / rows.length));
  return { mean, std };
}

function weightsOf(model: Model, layer: string): { kernel: { shape: number[]; values: Float32Array }; bias?: Float32Array } {
  const all = readModelWeights(tf, model);
  const kernel = all.find((w) => w.name === `${layer}/kernel`)!;
  const bias = all.find((w) => w.name === `${layer}/bias`);
  return { kernel: { shape: [...kernel.shape], values: kernel.values }, ...(bias ? { bias: bias.values } : {}) };
}

/** Per dense layer (all layers dense), the float64 per-unit stats of its pre-activation on x [n, in]. */
function denseStats(model: Model, x: Float32Array, n: number, act: (v: number) => number): UnitStats[] {
  const inSize = model.inputShape[0]!;
  let h: number[][] = Array.from({ length: n }, (_, r) => Array.from(x.subarray(r * inSize, (r + 1) * inSize)));
  return model.layers.map((layer) => {
    const { kernel, bias } = weightsOf(model, layer.name);
    const [rows, cols] = kernel.shape as [number, number];
    expect(rows).toBe(h[0]!.length);
    const pre = h.map((row) => Array.from({ length: cols }, (_, c) => row.reduce((s, xi, r) => s + xi * kernel.values[r * cols + c]!, bias ? bias[c]! : 0)));
    h = pre.map((row) => row.map(act));
    return unitStats(pre);
  });
}

/** Float64 'valid' stride-1 conv of x [n][h][w][c] with kernel [kh, kw, c, o] (+ bias): [n][h'][w'][o]. */
function conv(x: number[][][][], kernel: { shape: number[]; values: Float32Array }, bias?: Float32Array): number[][][][] {
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  const at = (dy: number, dx: number, c: number, o: number) => kernel.values[((dy * kw + dx) * cin + c) * cout + o]!;
  return x.map((img) =>
    Array.from({ length: img.length - kh + 1 }, (_, y) =>
      Array.from({ length: img[0]!.length - kw + 1 }, (_, xx) =>
        Array.from({ length: cout }, (_, o) => {
          let s = bias ? bias[o]! : 0;
          for (let dy = 0; dy < kh; dy++) for (let dx = 0; dx < kw; dx++) for (let c = 0; c < cin; c++) s += img[y + dy]![xx + dx]![c]! * at(dy, dx, c, o);
          return s;
        }),
      ),
    ),
  );
}

const relu = (v: number) => Math.max(0, v);

describe('per-unit data init', () => {
  it('dense tanh layers: every unit ends with mean 0 and std targetStd (float64 recomputation), bias-free layer scaled only', async () => {
    const IN = 12;
    const N = 160;
    const targetStd = 0.7;
    const network = NetworkSpec.parse({
      inputShape: [IN],
      layers: [
        {
          type: 'dense',
          units: 10,
          activation: { name: 'tanh' },
          kernelInitializer: { name: 'normal', std: 0.05 },
          biasInitializer: { name: 'constant', value: 0.3 },
        },
        { type: 'dense', units: 9, activation: { name: 'tanh' }, kernelInitializer: { name: 'normal', std: 2 }, useBias: false },
        {
          type: 'dense',
          units: 8,
          activation: { name: 'tanh' },
          kernelInitializer: { name: 'normal', std: 0.5 },
          biasInitializer: { name: 'constant', value: -1 },
        },
      ],
    });
    const model = buildModel(tf, network, { seed: 3 });
    try {
      const x = samples(N, IN, 11);
      const before = denseStats(model, x, N, Math.tanh);
      const results = await applyDataInit(tf, model, x, DataInitConfig.parse({ targetStd }));
      const after = denseStats(model, x, N, Math.tanh);
      expect(results.map((r) => r.layer)).toEqual(['dense_0', 'dense_1', 'dense_2']);
      after.forEach((s, l) => {
        for (let j = 0; j < s.std.length; j++) {
          expect(Math.abs(s.std[j]! - targetStd), `layer ${l} unit ${j} std ${s.std[j]}`).toBeLessThan(1e-3 * targetStd);
          if (l !== 1) expect(Math.abs(s.mean[j]!), `layer ${l} unit ${j} mean`).toBeLessThan(1e-4 * targetStd);
        }
        const r = results[l]!;
        expect(r.units).toBe(s.std.length);
        expect(Math.abs(r.stdMinAfter - targetStd)).toBeLessThan(1e-3);
        expect(Math.abs(r.stdMaxAfter - targetStd)).toBeLessThan(1e-3);
      });
      // Layer 0 (its input unchanged by the init): the scales are targetStd/σ_j of the unchanged pre-activation.
      const expected0 = before[0]!.std.map((s) => targetStd / s).sort((a, b) => a - b);
      expect(results[0]!.scaleMin).toBeCloseTo(expected0[0]!, 3);
      expect(results[0]!.scaleMax / expected0.at(-1)!).toBeCloseTo(1, 4);
      // Bias shift of layer 0: |(b − μ)·s − b| per unit, from the float64 statistics before.
      const shift0 = before[0]!.mean.reduce((a, m, j) => a + Math.abs((0.3 - m) * (targetStd / before[0]!.std[j]!) - 0.3), 0) / 10;
      expect(results[0]!.meanBiasShift).toBeCloseTo(shift0, 3);
      expect(results[0]!.hasBias).toBe(true);
      // The bias-free layer keeps a nonzero mean (only scaled), and records no shift.
      expect(results[1]!.hasBias).toBe(false);
      expect(results[1]!.meanBiasShift).toBe(0);
      expect(Math.max(...after[1]!.mean.map(Math.abs))).toBeGreaterThan(0.01);
      expect(results[1]!.maxAbsMeanAfter).toBeCloseTo(Math.max(...after[1]!.mean.map(Math.abs)), 3);
    } finally {
      model.dispose();
    }
  });

  it("conv2d: every output channel's pre-activation (over samples and positions) ends with mean 0 and std 1", async () => {
    const H = 7;
    const C = 2;
    const N = 40;
    const network = NetworkSpec.parse({
      inputShape: [H, H, C],
      layers: [
        {
          type: 'conv2d',
          filters: 4,
          kernelSize: 3,
          activation: { name: 'relu' },
          kernelInitializer: { name: 'normal', std: 0.02 },
          biasInitializer: { name: 'constant', value: 0.5 },
        },
        { type: 'conv2d', filters: 3, kernelSize: 2, activation: { name: 'relu' }, kernelInitializer: { name: 'normal', std: 1.5 } },
        { type: 'flatten' },
        { type: 'dense', units: 5, activation: { name: 'linear' } },
      ],
    });
    const model = buildModel(tf, network, { seed: 9 });
    try {
      const x = samples(N, H * H * C, 2);
      const results = await applyDataInit(tf, model, x, DataInitConfig.parse({}));
      expect(results.map((r) => r.layer)).toEqual(['conv2d_0', 'conv2d_1', 'dense_3']);
      let h: number[][][][] = Array.from({ length: N }, (_, n) =>
        Array.from({ length: H }, (_, y) => Array.from({ length: H }, (_, xx) => Array.from({ length: C }, (_, c) => x[((n * H + y) * H + xx) * C + c]!))),
      );
      for (const name of ['conv2d_0', 'conv2d_1']) {
        const { kernel, bias } = weightsOf(model, name);
        const pre = conv(h, kernel, bias);
        const stats = unitStats(pre.flat(2));
        stats.std.forEach((s, j) => expect(Math.abs(s - 1), `${name} channel ${j} std ${s}`).toBeLessThan(1e-3));
        stats.mean.forEach((m, j) => expect(Math.abs(m), `${name} channel ${j} mean ${m}`).toBeLessThan(1e-4));
        h = pre.map((img) => img.map((row) => row.map((px) => px.map(relu))));
      }
      // The dense layer after the flatten: per-unit stats on the flattened relu output.
      const { kernel, bias } = weightsOf(model, 'dense_3');
      const flat = h.map((img) => img.flat(2));
      const cols = kernel.shape[1]!;
      const pre = flat.map((row) => Array.from({ length: cols }, (_, c) => row.reduce((s, v, r) => s + v * kernel.values[r * cols + c]!, bias![c]!)));
      const stats = unitStats(pre);
      stats.std.forEach((s) => expect(Math.abs(s - 1)).toBeLessThan(1e-3));
      stats.mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-4));
      // N(0, 0.02²) kernels on std-3 inputs need scales ≫ 1; N(0, 1.5²) ones scales ≪ 1.
      expect(results[0]!.scaleMin).toBeGreaterThan(2);
      expect(results[1]!.scaleMax).toBeLessThan(1);
    } finally {
      model.dispose();
    }
  });

  it('a run with train.dataInit records the per-layer scales in its provenance and trains; a standard run records none', async () => {
    const { events, emit } = collector();
    await trainRun(tf, 'run-data-init', experiment({ train: { epochs: 2, dataInit: { targetStd: 1 } } }), emit, () => false);
    const started = events.find((e) => e.type === 'started');
    const rec = started?.type === 'started' ? started.provenance?.dataInit : undefined;
    expect(rec?.map((r) => r.layer)).toEqual(['dense_0', 'dense_1', 'dense_2']);
    expect(rec!.every((r) => Math.abs(r.stdMinAfter - 1) < 1e-3 && Math.abs(r.stdMaxAfter - 1) < 1e-3 && r.maxAbsMeanAfter < 1e-4)).toBe(true);
    expect(events.at(-1)!.type).toBe('finished');
    const plain: typeof events = [];
    await trainRun(
      tf,
      'run-plain',
      experiment({ train: { epochs: 1 } }),
      (e) => plain.push(e),
      () => false,
    );
    const p = plain.find((e) => e.type === 'started');
    expect(p?.type === 'started' && p.provenance?.dataInit).toBeUndefined();
  });

  it('refuses a batch of fewer than 2 samples', async () => {
    const model = buildModel(tf, NetworkSpec.parse({ inputShape: [3], layers: [{ type: 'dense', units: 2, activation: { name: 'linear' } }] }), { seed: 1 });
    try {
      await expect(applyDataInit(tf, model, new Float32Array(3), DataInitConfig.parse({}))).rejects.toThrow(/at least 2 samples/);
    } finally {
      model.dispose();
    }
  });
});
