import { describe, expect, it } from 'vitest';
import { gatherRows, gatherRowsInto } from '../../../engine/batches.js';

describe('gathering batch rows (engine/batches.ts)', () => {
  // 5 rows of 3 values: row r holds r·10, r·10 + 1, r·10 + 2.
  const x = Float32Array.from({ length: 15 }, (_, i) => Math.floor(i / 3) * 10 + (i % 3));
  const order = Int32Array.of(4, 0, 3, 1, 2);

  it('copies rows order[start..end) in order, into a fresh array or a reused buffer', () => {
    expect([...gatherRows(x, 3, order, 1, 3)]).toEqual([0, 1, 2, 30, 31, 32]);
    const buffer = new Float32Array(9).fill(-1);
    const full = gatherRowsInto(buffer, x, 3, order, 0, 3);
    expect(full).toBe(buffer);
    expect([...full]).toEqual([40, 41, 42, 0, 1, 2, 30, 31, 32]);
  });

  it('returns a view of the filled part for a short last batch, and refuses a buffer that is too short', () => {
    const buffer = new Float32Array(9);
    const short = gatherRowsInto(buffer, x, 3, order, 3, 5);
    expect(short.buffer).toBe(buffer.buffer);
    expect([...short]).toEqual([10, 11, 12, 20, 21, 22]);
    expect(() => gatherRowsInto(new Float32Array(5), x, 3, order, 0, 2)).toThrow(/buffer of 5 values, need 6/);
  });
});
