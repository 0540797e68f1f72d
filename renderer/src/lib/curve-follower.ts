import type { MetricPoint } from '../../../contract/index.js';
import type { CurveMetric } from './compare.js';
import { XYBuffer } from './xy-buffer.js';

/** What one {@link CurveFollower.sync} did: nothing new, points taken in at the end, or started over. */
export type CurveChange = 'none' | 'append' | 'reset';

/**
 * Follows one run's curve — an array of points that the runs store appends to (or replaces wholesale
 * when it reads the run again) — into one append-only {@link XYBuffer} of (epoch, value) pairs per
 * metric. Each sync reads only the points that arrived since the previous one, so a live chart costs
 * O(new points) per update however long the run is. A curve is taken as replaced when its first point
 * is a different object or it got shorter; the store's in-place replacement of the last point (same
 * step, newer values) is picked up too.
 */
export class CurveFollower<M extends CurveMetric = CurveMetric> {
  private readonly buffers: Map<M, XYBuffer>;
  private consumed = 0;
  private first: MetricPoint | undefined;
  private last: MetricPoint | undefined;

  /** `metrics`: which values of each point to keep (one buffer each). */
  constructor(readonly metrics: readonly M[]) {
    this.buffers = new Map(metrics.map((m) => [m, new XYBuffer()]));
  }

  /** Number of points taken in. */
  get length(): number {
    return this.consumed;
  }

  /** The (epoch, value) pairs of `metric`, flat [x0, y0, x1, …]; a missing value is NaN. */
  buffer(metric: M): XYBuffer {
    const buffer = this.buffers.get(metric);
    if (!buffer) throw new RangeError(`CurveFollower.buffer: metric "${metric}" is not followed (${this.metrics.join(', ')})`);
    return buffer;
  }

  /** Forgets every point taken in (the next sync reads the whole curve). */
  clear(): void {
    for (const buffer of this.buffers.values()) buffer.clear();
    this.consumed = 0;
    this.first = undefined;
    this.last = undefined;
  }

  /**
   * Takes in what changed in `curve` (points in training order, read without Vue's proxy so nothing is
   * tracked) since the previous call.
   */
  sync(curve: readonly MetricPoint[]): CurveChange {
    let change: CurveChange = 'none';
    if (curve[0] !== this.first || curve.length < this.consumed) {
      const hadPoints = this.consumed > 0;
      this.clear();
      this.first = curve[0];
      if (hadPoints || curve.length > 0) change = 'reset';
    } else if (this.consumed > 0 && curve[this.consumed - 1] !== this.last) {
      const replaced = curve[this.consumed - 1]!;
      for (const [metric, buffer] of this.buffers) buffer.setY(this.consumed - 1, valueOf(replaced, metric));
      change = 'append';
    }
    if (curve.length === this.consumed) return change;
    for (const [metric, buffer] of this.buffers) {
      for (let i = this.consumed; i < curve.length; i += 1) buffer.push(curve[i]!.epoch, curve[i]![metric]);
    }
    this.consumed = curve.length;
    this.last = curve[this.consumed - 1];
    return change === 'reset' ? 'reset' : 'append';
  }
}

function valueOf(point: MetricPoint, metric: CurveMetric): number {
  const v = point[metric];
  return v === null || !Number.isFinite(v) ? Number.NaN : v;
}
