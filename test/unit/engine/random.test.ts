import { describe, expect, it } from 'vitest';
import { deriveSeed, Random } from '../../../engine/random.js';

describe('Random', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    const sb = Array.from({ length: 20 }, () => b.nextUint32());
    const sc = Array.from({ length: 20 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = new Random(1);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sq += u * u;
    }
    const mean = sum / n;
    expect(outside).toBe(0);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sq / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws normals with the requested mean and std', () => {
    const rng = new Random(2);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal(3, 2);
      sum += z;
      sq += z * z;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    expect(Math.abs(mean - 3)).toBeLessThan(5 * (2 / Math.sqrt(n)));
    expect(Math.abs(variance / 4 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('shuffles into a permutation, deterministically', () => {
    const p1 = new Random(5).permutation(100);
    const p2 = new Random(5).permutation(100);
    expect(Array.from(p1)).toEqual(Array.from(p2));
    expect([...p1].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(p1)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('derives distinct stable seeds from salts', () => {
    expect(deriveSeed(1, 'split')).toBe(deriveSeed(1, 'split'));
    expect(deriveSeed(1, 'split')).not.toBe(deriveSeed(1, 'shuffle'));
    expect(deriveSeed(1, 'dropout', 1)).not.toBe(deriveSeed(1, 'dropout', 2));
    expect(deriveSeed(1, 'split')).not.toBe(deriveSeed(2, 'split'));
  });
});
