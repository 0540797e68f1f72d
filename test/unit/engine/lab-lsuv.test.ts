import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LsuvConfig, NetworkSpec } from '../../../contract/index.js';
import { readModelWeights } from '../../../engine/export/weights.js';
import { applyLsuv } from '../../../engine/lab/lsuv.js';
import { buildModel, type Model } from '../../../engine/model.js';
import { Random } from '../../../engine/random.js';
import type { TF } from '../../../engine/tf.js';
import { trainRun } from '../../../engine/train.js';
import { collector, experiment, getBackend } from './helpers.js';

/*
 * LSUV (Mishkin & Matas 2015): after it, every dense layer's pre-activation variance on the LSUV batch
 * is within 1 ± tolerance. The check recomputes the forward pass independently, in float64 JavaScript
 * from the stored weights (not with the engine's layers).
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

const IN = 20;
const N = 200;
function batch(): Float32Array {
  const rng = new Random(5);
  return Float32Array.from({ length: N * IN }, () => 3 * rng.normal() + 0.5);
}

/** Per dense layer, the variance of its pre-activation on `x`, in float64 from the model's weights. */
function preActivationVariances(model: Model, x: Float32Array, act: (v: number) => number): number[] {
  const weights = readModelWeights(tf, model);
  let h: number[][] = Array.from({ length: N }, (_, r) => Array.from(x.subarray(r * IN, (r + 1) * IN)));
  const out: number[] = [];
  for (let l = 0; l < model.layers.length; l++) {
    const w = weights.find((v) => v.name.startsWith(`dense_${l}`) && v.shape.length === 2)!;
    const b = weights.find((v) => v.name.startsWith(`dense_${l}`) && v.shape.length === 1)!;
    const [rows, cols] = w.shape as [number, number];
    const pre = h.map((row) => Array.from({ length: cols }, (_, c) => row.reduce((s, xi, r) => s + xi * w.values[r * cols + c]!, b.values[c]!)));
    const flat = pre.flat();
    const mean = flat.reduce((a, v) => a + v, 0) / flat.length;
    out.push(flat.reduce((a, v) => a + (v - mean) ** 2, 0) / flat.length);
    expect(rows).toBe(h[0]!.length);
    h = pre.map((row) => row.map(act));
  }
  return out;
}

const net = (activation: 'tanh' | 'relu', kernel: object) =>
  NetworkSpec.parse({
    inputShape: [IN],
    layers: Array.from({ length: 6 }, () => ({ type: 'dense', units: 24, activation: { name: activation }, kernelInitializer: kernel })),
  });

describe('LSUV', () => {
  for (const [activation, f] of [
    ['tanh', Math.tanh],
    ['relu', (v: number) => Math.max(0, v)],
  ] as const) {
    it(`${activation}: every layer's pre-activation variance ends within 1 ± 0.05 (orthonormal start)`, async () => {
      const model = buildModel(tf, net(activation, { name: 'normal', std: 0.01 }), { seed: 4 });
      try {
        const x = batch();
        const results = await applyLsuv(tf, model, x, LsuvConfig.parse({}), 4);
        expect(results.map((r) => r.layer)).toEqual(['dense_0', 'dense_1', 'dense_2', 'dense_3', 'dense_4', 'dense_5']);
        const measured = preActivationVariances(model, x, f);
        measured.forEach((v, i) => {
          expect(Math.abs(v - 1), `layer ${i}: ${v}`).toBeLessThan(0.05);
          expect(results[i]!.variance).toBeCloseTo(v, 3);
          expect(results[i]!.converged).toBe(true);
          expect(results[i]!.iterations).toBeLessThanOrEqual(10);
        });
        // The inputs have variance 9, so the first layer had to be scaled down by about 3.
        expect(results[0]!.scale).toBeLessThan(0.5);
      } finally {
        model.dispose();
      }
    });
  }

  it("without the orthonormal start it rescales the layer's own weights (N(0, 0.01²) needs a large factor)", async () => {
    const model = buildModel(tf, net('relu', { name: 'normal', std: 0.01 }), { seed: 4 });
    try {
      const results = await applyLsuv(tf, model, batch(), LsuvConfig.parse({ orthonormal: false }), 4);
      expect(results[1]!.scale).toBeGreaterThan(10);
      expect(results.every((r) => r.converged)).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it('a run with train.lsuv records the scales in its provenance and trains', async () => {
    const { events, emit } = collector();
    await trainRun(tf, 'run-lsuv', experiment({ train: { epochs: 2, lsuv: {} } }), emit, () => false);
    const started = events.find((e) => e.type === 'started');
    const lsuv = started?.type === 'started' ? started.provenance?.lsuv : undefined;
    expect(lsuv?.map((r) => r.layer)).toEqual(['dense_0', 'dense_1', 'dense_2']);
    expect(lsuv!.every((r) => r.converged && Math.abs(r.variance - 1) < 0.05)).toBe(true);
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
    expect(p?.type === 'started' && p.provenance?.lsuv).toBeUndefined();
  });
});
