import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASET_NAMES, BuiltinDatasetRef, DatasetInfo, TWO_CLASS_2D_DATASET_NAMES } from '../../../contract/index.js';
import { generateBuiltinDataset, listBuiltinDatasets } from '../../../engine/datasets/builtin.js';

const ref = (builtin: string, extra: Record<string, unknown> = {}) => BuiltinDatasetRef.parse({ builtin, ...extra });

describe('built-in datasets', () => {
  it('lists every contract built-in as valid DatasetInfo', () => {
    const list = listBuiltinDatasets();
    expect(list.map((d) => d.name)).toEqual([...BUILTIN_DATASET_NAMES]);
    for (const info of list) expect(DatasetInfo.parse(info)).toEqual(info);
    for (const info of list.filter((d) => (TWO_CLASS_2D_DATASET_NAMES as readonly string[]).includes(d.name))) {
      expect(info).toMatchObject({ builtin: true, inputShape: [2], numClasses: 2 });
    }
  });

  for (const name of TWO_CLASS_2D_DATASET_NAMES) {
    describe(name, () => {
      it('has the right shapes, balanced classes and finite values', () => {
        for (const samples of [10, 401]) {
          const d = generateBuiltinDataset(ref(name, { samples }));
          expect(d.inputShape).toEqual([2]);
          expect(d.numClasses).toBe(2);
          expect(d.x).toBeInstanceOf(Float32Array);
          expect(d.y).toBeInstanceOf(Int32Array);
          expect(d.x.length).toBe(2 * samples);
          expect(d.y.length).toBe(samples);
          const ones = d.y.reduce((a, b) => a + b, 0);
          expect(ones).toBe(Math.floor(samples / 2));
          expect(d.y.every((v) => v === 0 || v === 1)).toBe(true);
          expect(d.x.every((v) => Number.isFinite(v))).toBe(true);
        }
      });

      it('is deterministic for a seed and changes with the seed and the noise', () => {
        const a = generateBuiltinDataset(ref(name, { seed: 3 }));
        const b = generateBuiltinDataset(ref(name, { seed: 3 }));
        const c = generateBuiltinDataset(ref(name, { seed: 4 }));
        const d = generateBuiltinDataset(ref(name, { seed: 3, noise: 0.3 }));
        expect(Array.from(a.x)).toEqual(Array.from(b.x));
        expect(Array.from(a.y)).toEqual(Array.from(b.y));
        expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
        expect(Array.from(a.x)).not.toEqual(Array.from(d.x));
      });

      it('mixes the classes in its order', () => {
        const d = generateBuiltinDataset(ref(name, { samples: 200 }));
        const firstHalfOnes = d.y.subarray(0, 100).reduce((a, b) => a + b, 0);
        expect(firstHalfOnes).toBeGreaterThan(25);
        expect(firstHalfOnes).toBeLessThan(75);
      });
    });
  }

  it('places noiseless points where each generator says', () => {
    const points = (name: string) => {
      const d = generateBuiltinDataset(ref(name, { samples: 500, noise: 0 }));
      return Array.from(d.y, (cls, i) => ({ cls, px: d.x[2 * i]!, py: d.x[2 * i + 1]! }));
    };
    for (const p of points('circle')) {
      const r = Math.hypot(p.px, p.py);
      if (p.cls === 0) expect(r).toBeLessThanOrEqual(0.5 + 1e-6);
      else expect(r >= 0.7 - 1e-6 && r <= 1 + 1e-6).toBe(true);
    }
    for (const p of points('xor')) expect(p.px * p.py > 0 ? 0 : 1).toBe(p.cls);
    for (const p of points('spiral')) expect(Math.hypot(p.px, p.py)).toBeLessThanOrEqual(1 + 1e-6);
    const g = points('gaussian');
    const meanX = (cls: number) => g.filter((p) => p.cls === cls).reduce((a, p) => a + p.px, 0) / 250;
    expect(meanX(0)).toBeCloseTo(-0.5, 1);
    expect(meanX(1)).toBeCloseTo(0.5, 1);
  });

  it('adds Gaussian noise with the requested std', () => {
    const clean = generateBuiltinDataset(ref('spiral', { samples: 20000, noise: 0 }));
    const noisy = generateBuiltinDataset(ref('spiral', { samples: 20000, noise: 0.2 }));
    let sq = 0;
    for (let i = 0; i < clean.x.length; i++) sq += (noisy.x[i]! - clean.x[i]!) ** 2;
    expect(Math.sqrt(sq / clean.x.length)).toBeCloseTo(0.2, 2);
  });
});
