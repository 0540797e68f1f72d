import { beforeAll, describe, expect, it } from 'vitest';
import { BOUNDARY_RESOLUTION, BoundaryEvent, NetworkSpec, type BoundaryGrid, type RunEvent } from '../../../contract/index.js';
import { BoundaryCadence } from '../../../engine/boundary/cadence.js';
import { boundingBox, gridPoints } from '../../../engine/boundary/grid.js';
import { outputReading, predictGrid } from '../../../engine/boundary/predict-grid.js';
import { createBoundaryTracker, type BoundaryUpdate } from '../../../engine/boundary/tracker.js';
import { buildModel } from '../../../engine/model.js';
import type { TF } from '../../../engine/tf.js';
import { trainRun } from '../../../engine/train.js';
import { collector, dense, experiment, getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

/** Trains `exp`, collecting its events and (with `pictures`) its boundary pictures, each checked against the contract. */
async function train(exp: ReturnType<typeof experiment>, pictures: boolean) {
  const { events, emit } = collector();
  const updates: BoundaryUpdate[] = [];
  const before = tf.memory().numTensors;
  await trainRun(
    tf,
    'run-b',
    exp,
    emit,
    () => false,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    pictures ? (u) => updates.push(BoundaryEvent.parse({ type: 'boundary', runId: 'run-b', ...u })) : undefined,
  );
  expect(tf.memory().numTensors).toBe(before);
  return { events, updates };
}

/** The numbers of a run without its timings (elapsedMs, etaSeconds, durationMs differ from run to run). */
function numbers(events: RunEvent[]): unknown[] {
  return events.map((e) => {
    if (e.type === 'progress') return { ...e, point: { ...e.point, elapsedMs: 0 }, etaSeconds: 0 };
    if (e.type === 'finished') return { ...e, durationMs: 0 };
    if (e.type === 'started') return { ...e, provenance: undefined };
    return e;
  });
}

/** The grid cell (i, j) containing point (px, py), clamped to the grid. */
function cellOf(grid: BoundaryGrid, px: number, py: number): number {
  const n = grid.resolution;
  const i = Math.min(n - 1, Math.max(0, Math.floor(((px - grid.x.min) / (grid.x.max - grid.x.min)) * n)));
  const j = Math.min(n - 1, Math.max(0, Math.floor(((py - grid.y.min) / (grid.y.max - grid.y.min)) * n)));
  return j * n + i;
}

describe('boundary grid geometry', () => {
  it('boundingBox widens the extent by the margin on each side; a flat feature gets ±1', () => {
    expect(boundingBox([Float32Array.of(0, 0, 10, 5), Float32Array.of(-10, 1)], 0.1)).toEqual({ x: { min: -12, max: 12 }, y: { min: -0.5, max: 5.5 } });
    expect(boundingBox([Float32Array.of(3, 0, 3, 2)], 0)).toEqual({ x: { min: 2, max: 4 }, y: { min: 0, max: 2 } });
    expect(() => boundingBox([Float32Array.of(NaN, 1)])).toThrow(/no finite 2-D point/);
  });

  it('gridPoints are cell centres, row-major from the bottom-left', () => {
    const g = gridPoints({ x: { min: 0, max: 4 }, y: { min: -2, max: 2 } }, 4);
    expect(Array.from(g.subarray(0, 4))).toEqual([0.5, -1.5, 1.5, -1.5]);
    // cell (i=3, j=2) = index 11
    expect([g[22], g[23]]).toEqual([3.5, 0.5]);
  });
});

describe('predictGrid', () => {
  /** The points of an independent grid: built here from the documented layout, not by gridPoints. */
  function independentGrid(x0: number, x1: number, y0: number, y1: number, n: number): number[][] {
    const out: number[][] = [];
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) out.push([x0 + ((i + 0.5) * (x1 - x0)) / n, y0 + ((j + 0.5) * (y1 - y0)) / n]);
    return out;
  }

  it('equals the model evaluated directly on the same points (softmax, sigmoid, MSE and regression outputs); frees every tensor', async () => {
    const n = 16;
    const cases = [
      { layers: [dense(8, 'tanh'), dense(3, 'softmax')], loss: 'sparseCategoricalCrossentropy' as const, classes: 3 },
      { layers: [dense(8, 'relu'), dense(4, 'linear')], loss: 'sparseCategoricalCrossentropy' as const, classes: 4 },
      { layers: [dense(8, 'tanh'), dense(1, 'sigmoid')], loss: 'binaryCrossentropy' as const, classes: 2 },
      { layers: [dense(8, 'tanh'), dense(1, 'linear')], loss: 'meanSquaredError' as const, classes: 2 },
      { layers: [dense(8, 'tanh'), dense(1, 'linear')], loss: 'meanSquaredError' as const, classes: 0 },
    ];
    for (const c of cases) {
      const network = NetworkSpec.parse({ inputShape: [2], layers: c.layers });
      const model = buildModel(tf, network, { seed: 3 });
      try {
        const box = { x: { min: -3, max: 2 }, y: { min: -1, max: 4 } };
        const before = tf.memory().numTensors;
        const field = await predictGrid(tf, model, outputReading(model, c.loss, c.classes), gridPoints(box, n), 100);
        expect(tf.memory().numTensors).toBe(before);
        // Independent: every point through model.forward one batch, probabilities and argmax in plain JS.
        const pts = independentGrid(-3, 2, -1, 4, n);
        const x = tf.tensor2d(pts);
        const result = model.forward(x, { training: false });
        const out = (await result.output.array()) as number[][];
        const logits = (await result.logits.array()) as number[][];
        tf.dispose([x, result.output, result.logits]);
        out.forEach((row, k) => {
          if (c.classes === 0) {
            expect(field.kind).toBe('values');
            if (field.kind === 'values') expect(field.values[k]).toBeCloseTo(row[0]!, 4);
            return;
          }
          let probs: number[];
          if (row.length > 1) {
            const isSoftmax = c.layers[c.layers.length - 1]!.activation.name === 'softmax';
            const m = Math.max(...row);
            const e = row.map((v) => Math.exp(v - m));
            probs = isSoftmax ? row : e.map((v) => v / e.reduce((a, b) => a + b, 0));
          } else {
            const p = c.loss === 'meanSquaredError' ? Math.min(1, Math.max(0, row[0]!)) : 1 / (1 + Math.exp(-logits[k]![0]!));
            probs = [1 - p, p];
          }
          const best = probs.indexOf(Math.max(...probs));
          expect(field.kind).toBe('classes');
          if (field.kind !== 'classes') return;
          expect(field.numClasses).toBe(Math.max(2, row.length));
          // A tie within rounding may go either way; elsewhere the class is exact.
          if (Math.abs(probs[best]! - [...probs].sort((a, b) => b - a)[1]!) > 1e-5) expect(field.classes[k]).toBe(best);
          expect(field.confidence[k]).toBeCloseTo(probs[best]!, 4);
        });
      } finally {
        model.dispose();
      }
    }
  });
});

describe('BoundaryCadence', () => {
  it('draws a few times per epoch, never more often than the minimum interval, and backs off for costly pictures', () => {
    let now = 0;
    const cadence = new BoundaryCadence(100, { perEpoch: 4, minIntervalMs: 250, share: 0.1, now: () => now });
    expect([1, 24, 25].map((s) => cadence.due(s))).toEqual([false, false, true]);
    cadence.drawn(5);
    now = 100;
    expect(cadence.due(50)).toBe(false); // 100 ms < 250 ms
    now = 300;
    expect(cadence.due(50)).toBe(true);
    cadence.drawn(100); // a 100 ms picture: next one not before 900 ms (10 % of the time)
    now = 300 + 800;
    expect(cadence.due(75)).toBe(false);
    now = 300 + 950;
    expect(cadence.due(75)).toBe(true);
  });
});

describe('pictures during training', () => {
  it('never change the training numbers (same seed: identical events with and without pictures)', async () => {
    const exp = experiment({ train: { epochs: 6, seed: 2, statsEvery: 5 } });
    const without = await train(exp, false);
    const withPictures = await train(exp, true);
    expect(withPictures.updates.length).toBeGreaterThanOrEqual(2);
    expect(numbers(withPictures.events)).toEqual(numbers(without.events));
  });

  it('a trained spiral classifier: the final picture classifies most training points as their label, close to the run’s train accuracy', async () => {
    const { events, updates } = await train(experiment({ train: { seed: 4 } }), true);
    const finished = events[events.length - 1]!;
    expect(finished.type).toBe('finished');
    const first = updates[0]!;
    const last = updates[updates.length - 1]!;
    expect(first.grid.step).toBe(0);
    expect(first.points!.train.x.length).toBe(320);
    expect(first.points!.validation.x.length).toBe(80);
    expect(updates.slice(1).every((u) => u.points === undefined)).toBe(true);
    expect(last.final).toBe(true);
    expect(last.grid.step).toBe(400);
    expect(last.grid.epoch).toBe(40);
    expect(last.grid.resolution).toBe(BOUNDARY_RESOLUTION);
    const field = last.grid.field;
    if (field.kind !== 'classes') throw new Error('expected classes');
    const pts = first.points!.train;
    let agree = 0;
    for (let k = 0; k < pts.x.length; k++) if (field.classes[cellOf(last.grid, pts.x[k]!, pts.y[k]!)] === pts.label[k]) agree++;
    const gridAcc = agree / pts.x.length;
    const trainAcc = finished.type === 'finished' ? finished.metrics.trainAcc! : 0;
    expect(gridAcc).toBeGreaterThan(0.8);
    // The epoch's train accuracy averages over its batches while the model moved; the grid is one 64×64 reading.
    expect(Math.abs(gridAcc - trainAcc)).toBeLessThan(0.08);
    // The untrained model's picture is not the trained one's.
    const firstField = first.grid.field;
    if (firstField.kind !== 'classes') throw new Error('expected classes');
    expect(firstField.classes).not.toEqual(field.classes);
  });

  it('a regression set (plane) gets a field of predicted values whose range follows the targets', async () => {
    const exp = experiment({
      dataset: { builtin: 'plane', samples: 300, noise: 0.05, seed: 7 },
      network: { inputShape: [2], layers: [dense(8, 'tanh'), dense(1, 'linear')] },
      train: { epochs: 15, loss: 'meanSquaredError' },
    });
    const { updates } = await train(exp, true);
    const last = updates[updates.length - 1]!;
    if (last.grid.field.kind !== 'values') throw new Error('expected values');
    const field = last.grid.field;
    const labels = updates[0]!.points!.train.label;
    // Targets are real numbers, not class indices; the trained field spans roughly their range.
    expect(labels.some((v) => !Number.isInteger(v))).toBe(true);
    let agree = 0;
    const pts = updates[0]!.points!.train;
    for (let k = 0; k < pts.x.length; k++) {
      const predicted = field.values[cellOf(last.grid, pts.x[k]!, pts.y[k]!)]!;
      if (Math.abs(predicted - pts.label[k]!) < 0.25 * (Math.max(...labels) - Math.min(...labels))) agree++;
    }
    expect(agree / pts.x.length).toBeGreaterThan(0.8);
  });

  it('no tracker (no grid evaluated) for inputs that are not two features', () => {
    const network = NetworkSpec.parse({ inputShape: [3], layers: [dense(2, 'softmax')] });
    const model = buildModel(tf, network, { seed: 1 });
    try {
      const data = { x: new Float32Array(9), labels: new Int32Array(3), inputShape: [3], numClasses: 2 };
      expect(createBoundaryTracker(tf, model, 'sparseCategoricalCrossentropy', data, { train: [0, 1], val: [2] }, 1, () => {})).toBeNull();
    } finally {
      model.dispose();
    }
  });
});
