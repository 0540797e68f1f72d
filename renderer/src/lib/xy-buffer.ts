/**
 * A growing list of (x, y) pairs stored flat in a Float64Array — [x0, y0, x1, y1, …] — with doubling
 * capacity, so appending is amortised O(1) and handing the pairs to ECharts costs no per-point objects
 * (a typed array is parsed by ECharts in one tight loop). A missing y is stored as NaN, which ECharts
 * draws as a gap (bridged with `connectNulls`).
 */
export class XYBuffer {
  private data: Float64Array;
  private count = 0;

  constructor(initialPairs = 256) {
    this.data = new Float64Array(Math.max(2, initialPairs) * 2);
  }

  /** Number of pairs held. */
  get length(): number {
    return this.count;
  }

  /** Appends one pair; a null or non-finite y becomes NaN. */
  push(x: number, y: number | null): void {
    if (this.count * 2 + 2 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.count * 2] = x;
    this.data[this.count * 2 + 1] = y === null || !Number.isFinite(y) ? Number.NaN : y;
    this.count += 1;
  }

  /** Replaces the y of pair `index` (0-based, < length). */
  setY(index: number, y: number): void {
    if (index < 0 || index >= this.count) throw new RangeError(`XYBuffer.setY: index ${index} outside 0…${this.count - 1}`);
    this.data[index * 2 + 1] = y;
  }

  /** The x of pair `index`. */
  x(index: number): number {
    return this.data[index * 2]!;
  }

  /** The y of pair `index` (NaN when missing). */
  y(index: number): number {
    return this.data[index * 2 + 1]!;
  }

  /** Drops every pair (capacity is kept). */
  clear(): void {
    this.count = 0;
  }

  /** The pairs as a flat view [x0, y0, …] of length 2 × length (shares memory: read it before the next push). */
  view(): Float64Array {
    return this.data.subarray(0, this.count * 2);
  }
}
