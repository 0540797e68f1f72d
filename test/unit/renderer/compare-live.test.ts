import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../contract/index.js';
import { bandPolygon, pixelMapFrom } from '../../../renderer/src/lib/band-polygon.js';
import { SeedBandAccumulator, seedBand, valueAt, type BandPoint } from '../../../renderer/src/lib/compare.js';
import { XYBuffer } from '../../../renderer/src/lib/xy-buffer.js';
import { point } from './fixtures.js';

/** A reproducible pseudo-random sequence in [0, 1) (LCG), so the tests are deterministic. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A curve of `n` epochs from `from`, valLoss noisy around 1/(epoch+1), some values missing. */
function noisyCurve(n: number, rnd: () => number, from = 1, missing = 0.05): MetricPoint[] {
  return Array.from({ length: n }, (_, i) => {
    const p = point(from + i);
    return { ...p, valLoss: rnd() < missing ? null : 1 / (p.epoch + 1) + 0.1 * (rnd() - 0.5) };
  });
}

function expectBandsClose(actual: BandPoint[], expected: BandPoint[]): void {
  expect(actual.map((b) => [b.epoch, b.n])).toEqual(expected.map((b) => [b.epoch, b.n]));
  actual.forEach((b, i) => {
    expect(b.mean).toBeCloseTo(expected[i]!.mean, 12);
    expect(b.std).toBeCloseTo(expected[i]!.std, 12);
  });
}

describe('seed band kept up to date as curves grow', () => {
  it.each([
    ['no missing values', 0],
    ['5 % missing values', 0.05],
  ])('equals the two-pass seedBand after every batch of appended points (%s)', (_, missing) => {
    const rnd = random(7);
    const full = [noisyCurve(400, rnd, 1, missing), noisyCurve(400, rnd, 1, missing), noisyCurve(380, rnd, 1, missing)];
    const live: MetricPoint[][] = [[], [], []];
    const acc = new SeedBandAccumulator('valLoss');
    expect(acc.update(live)).toBe('reset'); // first call: nothing known yet
    let cursor = 0;
    while (cursor < 400) {
      const step = 1 + Math.floor(rnd() * 40);
      // Members arrive out of step with each other: the third lags behind by 15 epochs.
      full.forEach((curve, i) => live[i]!.push(...curve.slice(live[i]!.length, i === 2 ? Math.max(0, cursor + step - 15) : cursor + step)));
      cursor += step;
      const change = acc.update(live);
      // A value at an epoch a curve before it skipped lands before the end: a (correct) rebuild.
      expect(change).toEqual(missing ? expect.stringMatching(/^(append|reset)$/) : 'append');
      expectBandsClose(acc.points(), seedBand(live, 'valLoss'));
    }
    expect(acc.update(live)).toBe('none');
  });

  it('names the already-drawn epochs a lagging member changed, and rebuilds on a replaced curve', () => {
    const acc = new SeedBandAccumulator('valAcc');
    const a = [point(1), point(2), point(3)];
    const b = [point(1)];
    acc.update([a, b]);
    expect(acc.epochs()).toEqual([1, 2, 3]);
    b.push({ ...point(2), valAcc: 0.9 });
    expect(acc.update([a, b])).toBe('append');
    expect([...acc.changedIndices()]).toEqual([1]); // epoch 2, index 1
    expect(acc.at(2).std).toBeCloseTo(Math.abs(0.9 - point(2).valAcc!) / Math.SQRT2, 12);
    // A re-read curve (new first point) starts the band over.
    expect(acc.update([a, [point(1), point(2)]])).toBe('reset');
    expectBandsClose(acc.points(), seedBand([a, [point(1), point(2)]], 'valAcc'));
    // An epoch inserted before the end (curves with different epochs) sorts and resets.
    const sparse = [point(1), point(3)];
    const other = [point(3)];
    const acc2 = new SeedBandAccumulator('valAcc');
    acc2.update([sparse, other]);
    other.push(point(2)); // reaches epoch 2 after epoch 3 (e.g. a downsampled read next to a full one)
    expect(acc2.update([sparse, other])).toBe('reset');
    expect(acc2.epochs()).toEqual([1, 2, 3]);
    expectBandsClose(acc2.points(), seedBand([sparse, other], 'valAcc'));
    expect(acc2.update([sparse, other])).toBe('none');
  });
});

describe('value at a time (binary search)', () => {
  it('matches a linear scan at every epoch, skipping missing values', () => {
    const rnd = random(3);
    const pts = noisyCurve(300, rnd, 0);
    const linear = (epoch: number): number | null => {
      let found: number | null = null;
      for (const p of pts) if (p.epoch <= epoch && p.valLoss !== null) found = p.valLoss;
      return found;
    };
    for (let epoch = -1; epoch <= 301; epoch += 1) expect(valueAt(pts, epoch, 'valLoss')).toBe(linear(epoch));
    expect(valueAt([], 5, 'valLoss')).toBeNull();
  });
});

describe('XYBuffer', () => {
  it('grows past its capacity keeping every pair, and stores a missing y as NaN', () => {
    const buffer = new XYBuffer(2);
    for (let i = 0; i < 1000; i += 1) buffer.push(i, i % 100 === 0 ? null : i * 0.5);
    expect(buffer.length).toBe(1000);
    const view = buffer.view();
    expect(view.length).toBe(2000);
    expect([view[2 * 999], view[2 * 999 + 1]]).toEqual([999, 499.5]);
    expect(Number.isNaN(buffer.y(100))).toBe(true);
    buffer.setY(100, 7);
    expect(buffer.view()[201]).toBe(7);
    expect(() => buffer.setY(1000, 1)).toThrow(/index 1000 outside 0…999/);
    buffer.clear();
    expect(buffer.view().length).toBe(0);
  });
});

describe('band polygon', () => {
  it('keeps the lowest lower and highest upper value of each pixel column, upper edge first', () => {
    const rnd = random(11);
    const lower = new XYBuffer();
    const upper = new XYBuffer();
    const xs: number[] = [];
    for (let i = 0; i < 5000; i += 1) {
      const lo = rnd();
      lower.push(i, i === 42 ? null : lo);
      upper.push(i, lo + rnd());
      xs.push(i);
    }
    // 5,000 epochs over 100 pixels (x: 10 → 110), y: value 0 at pixel 300, value 1 at pixel 100.
    const map = pixelMapFrom([0, 0], [10, 300], [5000, 1], [110, 100]);
    expect(map).toEqual({ x0: 10, xScale: 0.02, y0: 300, yScale: -200 });
    const polygon = bandPolygon(lower, upper, map);
    // Independent computation: bucket by rounded pixel column.
    const columns = new Map<number, { lo: number; hi: number }>();
    xs.forEach((x, i) => {
      if (Number.isNaN(lower.y(i))) return;
      const c = Math.round(10 + 0.02 * x);
      const prev = columns.get(c) ?? { lo: Infinity, hi: -Infinity };
      columns.set(c, { lo: Math.min(prev.lo, lower.y(i)), hi: Math.max(prev.hi, upper.y(i)) });
    });
    const cols = [...columns.keys()].sort((a, b) => a - b);
    expect(polygon.length).toBe(2 * cols.length);
    expect(cols.length).toBe(101); // pixels 10…110
    const expected = [...cols.map((c) => [c, 300 - 200 * columns.get(c)!.hi]), ...cols.reverse().map((c) => [c, 300 - 200 * columns.get(c)!.lo])];
    polygon.forEach(([x, y], i) => {
      expect(x).toBe(expected[i]![0]);
      expect(y).toBeCloseTo(expected[i]![1]!, 9);
    });
  });
});
