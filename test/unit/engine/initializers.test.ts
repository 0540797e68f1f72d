import { describe, expect, it } from 'vitest';
import { InitializerSpec, INITIALIZER_NAMES } from '../../../contract/index.js';
import { computeFans, initialValues, theoreticalStd } from '../../../engine/initializers.js';

/** Sample mean and (population) variance. */
function moments(v: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  return { mean, variance: sq / v.length, min, max };
}

const DENSE = [400, 300];
const CONV = [3, 3, 16, 32];
/** Fans written out by hand (dense: [in, out]; conv: receptive field 3·3 = 9 times channels). */
const FANS: Record<string, { fanIn: number; fanOut: number }> = {
  dense: { fanIn: 400, fanOut: 300 },
  conv: { fanIn: 9 * 16, fanOut: 9 * 32 },
};

interface Case {
  input: unknown;
  /** Expected mean and variance for the given fans. */
  expected: (f: { fanIn: number; fanOut: number }) => { mean: number; variance: number };
  /** Optional hard bounds given the fans. */
  bounds?: (f: { fanIn: number; fanOut: number }) => [number, number];
}

const TRUNC = 0.87962566103423978;
const CASES: Record<string, Case> = {
  glorotNormal: { input: { name: 'glorotNormal' }, expected: (f) => ({ mean: 0, variance: 2 / (f.fanIn + f.fanOut) }) },
  glorotUniform: {
    input: { name: 'glorotUniform' },
    expected: (f) => ({ mean: 0, variance: 2 / (f.fanIn + f.fanOut) }),
    bounds: (f) => [-Math.sqrt(6 / (f.fanIn + f.fanOut)), Math.sqrt(6 / (f.fanIn + f.fanOut))],
  },
  heNormal: { input: { name: 'heNormal' }, expected: (f) => ({ mean: 0, variance: 2 / f.fanIn }) },
  heUniform: {
    input: { name: 'heUniform' },
    expected: (f) => ({ mean: 0, variance: 2 / f.fanIn }),
    bounds: (f) => [-Math.sqrt(6 / f.fanIn), Math.sqrt(6 / f.fanIn)],
  },
  lecunNormal: { input: { name: 'lecunNormal' }, expected: (f) => ({ mean: 0, variance: 1 / f.fanIn }) },
  lecunUniform: {
    input: { name: 'lecunUniform' },
    expected: (f) => ({ mean: 0, variance: 1 / f.fanIn }),
    bounds: (f) => [-Math.sqrt(3 / f.fanIn), Math.sqrt(3 / f.fanIn)],
  },
  // Keras's GlorotNormal/HeNormal/LecunNormal: std √Var/0.8796 truncated to ±2 of it, so the variance is exactly Var.
  glorotTruncatedNormal: {
    input: { name: 'glorotTruncatedNormal' },
    expected: (f) => ({ mean: 0, variance: 2 / (f.fanIn + f.fanOut) }),
    bounds: (f) => [(-2 * Math.sqrt(2 / (f.fanIn + f.fanOut))) / TRUNC, (2 * Math.sqrt(2 / (f.fanIn + f.fanOut))) / TRUNC],
  },
  heTruncatedNormal: {
    input: { name: 'heTruncatedNormal' },
    expected: (f) => ({ mean: 0, variance: 2 / f.fanIn }),
    bounds: (f) => [(-2 * Math.sqrt(2 / f.fanIn)) / TRUNC, (2 * Math.sqrt(2 / f.fanIn)) / TRUNC],
  },
  lecunTruncatedNormal: {
    input: { name: 'lecunTruncatedNormal' },
    expected: (f) => ({ mean: 0, variance: 1 / f.fanIn }),
    bounds: (f) => [(-2 * Math.sqrt(1 / f.fanIn)) / TRUNC, (2 * Math.sqrt(1 / f.fanIn)) / TRUNC],
  },
  normal: { input: { name: 'normal', mean: 0.3, std: 0.02 }, expected: () => ({ mean: 0.3, variance: 0.02 ** 2 }) },
  uniform: {
    input: { name: 'uniform', min: -0.05, max: 0.15 },
    expected: () => ({ mean: 0.05, variance: 0.2 ** 2 / 12 }),
    bounds: () => [-0.05, 0.15],
  },
  truncatedNormal: {
    input: { name: 'truncatedNormal', mean: 0.1, std: 0.05 },
    expected: () => ({ mean: 0.1, variance: (0.05 * TRUNC) ** 2 }),
    bounds: () => [0.1 - 2 * 0.05, 0.1 + 2 * 0.05],
  },
  varianceScaling: {
    input: { name: 'varianceScaling', scale: 3, mode: 'fanOut', distribution: 'truncatedNormal' },
    expected: (f) => ({ mean: 0, variance: 3 / f.fanOut }),
    bounds: (f) => [(-2 * Math.sqrt(3 / f.fanOut)) / TRUNC, (2 * Math.sqrt(3 / f.fanOut)) / TRUNC],
  },
  zeros: { input: { name: 'zeros' }, expected: () => ({ mean: 0, variance: 0 }), bounds: () => [0, 0] },
  ones: { input: { name: 'ones' }, expected: () => ({ mean: 1, variance: 0 }), bounds: () => [1, 1] },
  constant: { input: { name: 'constant', value: -0.7 }, expected: () => ({ mean: -0.7, variance: 0 }), bounds: () => [-0.7, -0.7] },
};
const EXTRA_VS: Case[] = [
  {
    input: { name: 'varianceScaling', scale: 0.5, mode: 'fanAvg', distribution: 'uniform' },
    expected: (f) => ({ mean: 0, variance: 0.5 / ((f.fanIn + f.fanOut) / 2) }),
  },
  { input: { name: 'varianceScaling', scale: 1.5, mode: 'fanIn', distribution: 'normal' }, expected: (f) => ({ mean: 0, variance: 1.5 / f.fanIn }) },
];

describe('computeFans', () => {
  it('follows the dense and conv conventions', () => {
    expect(computeFans(DENSE)).toEqual(FANS.dense);
    expect(computeFans(CONV)).toEqual(FANS.conv);
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
  });
});

describe('initialValues', () => {
  it('has a test case for every contract initializer', () => {
    expect(Object.keys(CASES).sort()).toEqual([...INITIALIZER_NAMES].sort().filter((n) => n !== 'orthogonal'));
  });

  const all: [string, Case][] = [...Object.entries(CASES), ...EXTRA_VS.map((c, i) => [`varianceScaling#${i + 2}`, c] as [string, Case])];
  for (const [label, c] of all) {
    for (const [kind, shape] of [
      ['dense', DENSE],
      ['conv', CONV],
    ] as const) {
      it(`${label} on ${kind} ${JSON.stringify(shape)} matches its mean and variance`, () => {
        const spec = InitializerSpec.parse(c.input);
        const fans = FANS[kind]!;
        const values = initialValues(spec, shape, 123);
        const n = shape.reduce((a, b) => a * b, 1);
        expect(values.length).toBe(n);
        const m = moments(values);
        const exp = c.expected(fans);
        const std = Math.sqrt(exp.variance);
        expect(Math.abs(m.mean - exp.mean)).toBeLessThanOrEqual(5 * (std / Math.sqrt(n)) + 1e-6);
        if (exp.variance === 0) {
          expect(m.variance).toBeLessThan(1e-12);
        } else {
          expect(Math.abs(m.variance / exp.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
        }
        if (c.bounds) {
          const [lo, hi] = c.bounds(fans);
          expect(m.min).toBeGreaterThanOrEqual(lo - 1e-6);
          expect(m.max).toBeLessThanOrEqual(hi + 1e-6);
        }
        const tstd = theoreticalStd(spec, fans);
        expect(tstd).not.toBeNull();
        expect(tstd!).toBeCloseTo(std, 10);
      });
    }
  }

  it('is deterministic per seed and differs across seeds', () => {
    for (const name of INITIALIZER_NAMES) {
      if (name === 'zeros' || name === 'ones' || name === 'constant') continue;
      const spec = InitializerSpec.parse({ name });
      const a = initialValues(spec, [20, 30], 9);
      const b = initialValues(spec, [20, 30], 9);
      const c = initialValues(spec, [20, 30], 10);
      expect(Array.from(a), name).toEqual(Array.from(b));
      expect(Array.from(a), name).not.toEqual(Array.from(c));
    }
  });

  it('draws untruncated normals for glorotNormal/heNormal/lecunNormal (PyTorch) and never beyond 2 pre-truncation std for the Keras forms', () => {
    const shape = [400, 300];
    for (const family of ['glorot', 'he', 'lecun'] as const) {
      const variance = CASES[`${family}Normal`]!.expected(FANS.dense!).variance;
      const kerasBound = (2 * Math.sqrt(variance)) / TRUNC; // ≈ 2.27 std
      const beyond = (v: Float32Array) => v.filter((x) => Math.abs(x) > kerasBound).length;
      const plain = initialValues(InitializerSpec.parse({ name: `${family}Normal` }), shape, 5);
      const keras = initialValues(InitializerSpec.parse({ name: `${family}TruncatedNormal` }), shape, 5);
      // P(|z| > 2/0.8796) ≈ 0.023 for an untruncated normal: about 2,760 of 120,000 values.
      expect(beyond(plain), family).toBeGreaterThan(2000);
      expect(beyond(keras), family).toBe(0);
    }
  });

  it('rejects uniform with min > max', () => {
    expect(() => initialValues(InitializerSpec.parse({ name: 'uniform', min: 1, max: 0 }), [3], 1)).toThrow(/min/);
  });
});

describe('orthogonal', () => {
  /** Gram matrix of the rows (W·Wᵀ, side 'rows') or the columns (Wᵀ·W). */
  function gram(w: Float32Array, rows: number, cols: number, side: 'rows' | 'cols'): Float64Array {
    const k = side === 'rows' ? rows : cols;
    const g = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let s = 0;
        if (side === 'rows') for (let j = 0; j < cols; j++) s += w[a * cols + j]! * w[b * cols + j]!;
        else for (let i = 0; i < rows; i++) s += w[i * cols + a]! * w[i * cols + b]!;
        g[a * k + b] = s;
        g[b * k + a] = s;
      }
    }
    return g;
  }
  function maxDeviationFromScaledIdentity(g: Float64Array, k: number, scale: number): number {
    let worst = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) worst = Math.max(worst, Math.abs(g[a * k + b]! - (a === b ? scale : 0)));
    return worst;
  }

  const cases: [number[], number, number, 'rows' | 'cols'][] = [
    [[400, 300], 400, 300, 'cols'], // tall: WᵀW = g²I(300)
    [[300, 400], 300, 400, 'rows'], // wide: WWᵀ = g²I(300)
    [[3, 3, 16, 32], 144, 32, 'cols'], // conv kernel reshaped to [kh·kw·inC, outC]
  ];
  for (const gain of [1, 2]) {
    for (const [shape, rows, cols, side] of cases) {
      it(`gain ${gain}, shape ${JSON.stringify(shape)}: the smaller side is orthonormal × gain`, () => {
        const w = initialValues(InitializerSpec.parse({ name: 'orthogonal', gain }), shape, 77);
        const k = side === 'rows' ? rows : cols;
        expect(maxDeviationFromScaledIdentity(gram(w, rows, cols, side), k, gain * gain)).toBeLessThan(1e-4 * gain * gain);
      });
    }
  }

  it('is seeded and refuses rank-1 shapes', () => {
    const spec = InitializerSpec.parse({ name: 'orthogonal' });
    expect(Array.from(initialValues(spec, [8, 8], 1))).toEqual(Array.from(initialValues(spec, [8, 8], 1)));
    expect(Array.from(initialValues(spec, [8, 8], 1))).not.toEqual(Array.from(initialValues(spec, [8, 8], 2)));
    expect(() => initialValues(spec, [8], 1)).toThrow(/rank/);
  });
});
