// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { MetricPoint } from '../../../contract/index.js';
import { ChartUpdateScheduler } from '../../../renderer/src/lib/chart-updates.js';
import { CurveFollower } from '../../../renderer/src/lib/curve-follower.js';
import { point } from './fixtures.js';

/** The pairs a buffer holds, as [epoch, value] with NaN for a missing value. */
function pairs(view: Float64Array): [number, number][] {
  return Array.from({ length: view.length / 2 }, (_, i) => [view[2 * i]!, view[2 * i + 1]!]);
}

describe('CurveFollower', () => {
  it('takes in only the new points, into the same memory, one buffer per metric', () => {
    const curve: MetricPoint[] = [point(1), { ...point(2), valLoss: null }, point(3)];
    const follower = new CurveFollower(['trainLoss', 'valLoss']);
    expect(follower.sync(curve)).toBe('reset');
    expect(follower.sync(curve)).toBe('none');
    const before = follower.buffer('trainLoss').view();
    curve.push(point(4), point(5));
    expect(follower.sync(curve)).toBe('append');
    const after = follower.buffer('trainLoss').view();
    expect(after.buffer).toBe(before.buffer); // appended in place, nothing rebuilt
    expect(pairs(after)).toEqual(curve.map((p) => [p.epoch, p.trainLoss]));
    expect(pairs(follower.buffer('valLoss').view())).toEqual(curve.map((p) => [p.epoch, p.valLoss ?? Number.NaN]));
    expect(follower.length).toBe(5);
    expect(() => follower.buffer('valAcc' as 'valLoss')).toThrow(/metric "valAcc" is not followed \(trainLoss, valLoss\)/);
  });

  it('reads only the points after the last sync (a point read twice would be a proxy hit per point)', () => {
    const reads: number[] = [];
    const curve = Array.from({ length: 1000 }, (_, i) => point(i + 1));
    // Counts which indices are read: a follower that re-read the curve would touch index 0…999 again.
    const spy = new Proxy(curve, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads.push(Number(key));
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const follower = new CurveFollower(['valAcc']);
    follower.sync(spy);
    reads.length = 0;
    curve.push(point(1001));
    expect(follower.sync(spy)).toBe('append');
    // The first point (replaced-curve check), the last one taken (replaced-last check), the new one.
    expect(new Set(reads)).toEqual(new Set([0, 999, 1000]));
  });

  it('starts over on a replaced or shorter curve, and updates a last point replaced in place', () => {
    const follower = new CurveFollower(['valAcc']);
    const curve = [point(1), point(2)];
    follower.sync(curve);
    // The store replaces the last point when an event repeats its step with newer values.
    curve[1] = { ...point(2), valAcc: 0.25 };
    expect(follower.sync(curve)).toBe('append');
    expect(pairs(follower.buffer('valAcc').view())).toEqual([
      [1, point(1).valAcc],
      [2, 0.25],
    ]);
    // Re-read from the host: new objects, downsampled.
    const reread = [point(1), point(3)];
    expect(follower.sync(reread)).toBe('reset');
    expect(pairs(follower.buffer('valAcc').view())).toEqual(reread.map((p) => [p.epoch, p.valAcc]));
    expect(follower.sync(reread.slice(0, 1))).toBe('reset');
    expect(follower.length).toBe(1);
    expect(follower.sync([])).toBe('reset');
    expect(follower.sync([])).toBe('none');
  });
});

describe('ChartUpdateScheduler', () => {
  it('flushes live data at most once per interval, the first at once, and structure at the next frame', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'Date'] });
    try {
      const flushedAt: number[] = [];
      const start = Date.now();
      const scheduler = new ChartUpdateScheduler(() => flushedAt.push(Date.now() - start), 250);
      // A point every 10 ms for 1 s: 100 asks, 4 to 5 flushes 250 ms apart.
      for (let i = 0; i < 100; i += 1) {
        scheduler.live();
        vi.advanceTimersByTime(10);
      }
      vi.advanceTimersByTime(300);
      expect(flushedAt[0]).toBeLessThanOrEqual(16); // the first at the next frame
      expect(flushedAt.length).toBeGreaterThanOrEqual(4);
      expect(flushedAt.length).toBeLessThanOrEqual(5);
      // 250 ms between the timers, each flush at the frame after its timer (up to one 16 ms frame later).
      for (let i = 1; i < flushedAt.length; i += 1) expect(flushedAt[i]! - flushedAt[i - 1]!).toBeGreaterThanOrEqual(250 - 16);
      scheduler.nextFrame();
      scheduler.nextFrame();
      vi.advanceTimersByTime(20);
      expect(flushedAt.length).toBeLessThanOrEqual(6); // two asks, one frame
      const count = flushedAt.length;
      scheduler.live();
      scheduler.dispose();
      vi.advanceTimersByTime(1000);
      expect(flushedAt.length).toBe(count);
    } finally {
      vi.useRealTimers();
    }
  });
});
