import { describe, expect, it } from 'vitest';
import { BuiltinDatasetRef } from '../../../contract/index.js';
import { generateBuiltinDataset, listBuiltinDatasets } from '../../../engine/datasets/builtin.js';
import { MULTI_GAUSSIAN_BUMPS, regressionTarget } from '../../../engine/datasets/regression.js';

const ref = (builtin: string, extra: Record<string, unknown> = {}) => BuiltinDatasetRef.parse({ builtin, ...extra });

describe('K-class spiral', () => {
  it('has K balanced classes on K arms 2π/K apart', () => {
    const d = generateBuiltinDataset(ref('multiSpiral', { samples: 301, classes: 5, noise: 0 }));
    expect(d.numClasses).toBe(5);
    const counts = [0, 1, 2, 3, 4].map((k) => d.y.filter((y) => y === k).length);
    expect(counts).toEqual([61, 60, 60, 60, 60]);
    for (let i = 0; i < 301; i++) {
      const x = d.x[2 * i] as number;
      const y = d.x[2 * i + 1] as number;
      const r = Math.hypot(x, y);
      // r = 0.05 + 0.95 t and θ = 2π t + 2π k/K, so θ − 2π(r − 0.05)/0.95 ≡ 2π k/K (mod 2π).
      const t = (r - 0.05) / 0.95;
      const armAngle = Math.atan2(x, y) - 2 * Math.PI * t;
      const k = d.y[i] as number;
      const diff = ((((armAngle - (2 * Math.PI * k) / 5) % (2 * Math.PI)) + 3 * Math.PI) % (2 * Math.PI)) - Math.PI;
      expect(Math.abs(diff)).toBeLessThan(1e-4);
    }
  });
});

describe('regression sets', () => {
  it('plane: target (x1 + x2)/2 exactly without noise, residual std ≈ noise with it', () => {
    const d = generateBuiltinDataset(ref('plane', { samples: 2000, noise: 0 }));
    expect(d.numClasses).toBe(0);
    for (let i = 0; i < 2000; i++) expect(d.targets?.[i]).toBeCloseTo(((d.x[2 * i] as number) + (d.x[2 * i + 1] as number)) / 2, 6);
    const noisy = generateBuiltinDataset(ref('plane', { samples: 4000, noise: 0.1 }));
    const residuals = Array.from(
      { length: 4000 },
      (_, i) => (noisy.targets?.[i] as number) - ((noisy.x[2 * i] as number) + (noisy.x[2 * i + 1] as number)) / 2,
    );
    const std = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / residuals.length);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
  });

  it('multiGaussian: ±1 at the bump centres, near 0 far from them', () => {
    // At a centre: its own bump (±1) plus neighbours 2/3 away, each e^(−(2/3)²/(2·0.2²)) ≈ 0.0039, of the opposite sign.
    for (const [cx, cy, sign] of MULTI_GAUSSIAN_BUMPS) {
      const value = regressionTarget('multiGaussian', cx, cy);
      expect(Math.sign(value)).toBe(sign);
      expect(Math.abs(value)).toBeGreaterThan(0.99);
      expect(Math.abs(value)).toBeLessThanOrEqual(1);
    }
    expect(Math.abs(regressionTarget('multiGaussian', 1, 1))).toBeLessThan(0.05);
    const d = generateBuiltinDataset(ref('multiGaussian', { samples: 50, noise: 0 }));
    for (let i = 0; i < 50; i++) expect(d.targets?.[i]).toBeCloseTo(regressionTarget('multiGaussian', d.x[2 * i] as number, d.x[2 * i + 1] as number), 5);
  });
});

describe('mnist', () => {
  it('gives real 28×28 digits in [0, 1], all ten classes, seeded', () => {
    const a = generateBuiltinDataset(ref('mnist', { samples: 500, seed: 3 }));
    const b = generateBuiltinDataset(ref('mnist', { samples: 500, seed: 3 }));
    expect(a.inputShape).toEqual([784]);
    expect(a.numClasses).toBe(10);
    expect(a.x.length).toBe(500 * 784);
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(new Set(a.y).size).toBe(10);
    expect(a.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Real digits: ink in the centre, blank corners; about 10–25 % of pixels are lit.
    const lit = a.x.filter((v) => v > 0.5).length / a.x.length;
    expect(lit).toBeGreaterThan(0.08);
    expect(lit).toBeLessThan(0.3);
    for (let i = 0; i < 500; i++) expect(a.x[i * 784]).toBe(0);
    const info = listBuiltinDatasets().find((d) => d.name === 'mnist');
    expect(info).toMatchObject({ inputShape: [784], numClasses: 10 });
  });
});
