import { describe, expect, it } from 'vitest';
import { downsampleEvenly, evenlySpacedIndices } from '../../main/store/index.js';

describe('evenlySpacedIndices', () => {
  it('returns every index when there are few enough', () => {
    expect(evenlySpacedIndices(3, 5)).toEqual([0, 1, 2]);
    expect(evenlySpacedIndices(0, 5)).toEqual([]);
  });

  it('keeps first and last, strictly increasing, at most maxPoints', () => {
    for (const length of [3, 10, 11, 99, 1000, 1001]) {
      for (const maxPoints of [2, 3, 7, 10, 500]) {
        const indices = evenlySpacedIndices(length, maxPoints);
        expect(indices.length).toBe(Math.min(length, maxPoints));
        expect(indices[0]).toBe(0);
        expect(indices.at(-1)).toBe(length - 1);
        indices.slice(1).forEach((index, k) => expect(index).toBeGreaterThan(indices[k] as number));
      }
    }
    expect(evenlySpacedIndices(11, 3)).toEqual([0, 5, 10]);
  });

  it('rejects maxPoints below 2', () => {
    expect(() => evenlySpacedIndices(10, 1)).toThrow(RangeError);
  });

  it('downsamples items', () => {
    expect(downsampleEvenly(['a', 'b', 'c', 'd', 'e'], 3)).toEqual(['a', 'c', 'e']);
  });
});
