import { describe, expect, it } from 'vitest';
import { logGamma, mean, regularizedIncompleteBeta, sampleStd, studentTCdf, studentTTwoSidedP, welchTTest } from '../../../main/services/stats/index.js';

describe('descriptive statistics', () => {
  it('mean and sample std (n − 1) match hand-computed values', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x−5)² = 32, s² = 32/7.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(sampleStd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(mean([])).toBeNull();
    expect(sampleStd([3])).toBeNull();
  });

  it('keeps precision for values with a large common offset', () => {
    expect(sampleStd([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBeCloseTo(1, 9);
  });
});

describe('special functions', () => {
  it('logGamma matches factorials and Γ(½) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(20)).toBeCloseTo(Math.log(121645100408832000), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12); // ln Γ(0.1), reflection branch
  });

  it('regularised incomplete beta matches closed forms', () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b; symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.6, 3.5, 1)).toBeCloseTo(0.6 ** 3.5, 13);
    expect(regularizedIncompleteBeta(0.2, 1, 4)).toBeCloseTo(1 - 0.8 ** 4, 13);
    const a = regularizedIncompleteBeta(0.35, 2.5, 7);
    expect(a + regularizedIncompleteBeta(0.65, 7, 2.5)).toBeCloseTo(1, 13);
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(/x in \[0, 1\]/);
  });
});

describe("Student's t distribution", () => {
  it('df = 1 is Cauchy and df = 2 has its closed form', () => {
    for (const t of [-30, -2, -0.5, 0, 0.3, 1, 4, 100]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it('matches table and reference values (scipy.stats.t 1.17)', () => {
    const cases: [number, number, number][] = [
      [2.228138852, 10, 0.975], // the 97.5 % critical value for 10 df
      [-1.5, 3, 0.11529193262241147],
      [0.7, 2.5, 0.728297528405226], // fractional df, as Welch's test produces
      [3.0, 30, 0.9973050179671741],
      [10.0, 4, 0.999718998188642],
      [1.96, 1000, 0.9748634075221256], // ≈ the normal distribution
      [-4.0, 7.3, 0.002381183582163554],
      [-12, 3, 0.0006225079003946681],
    ];
    for (const [t, df, expected] of cases) expect(studentTCdf(t, df)).toBeCloseTo(expected, 10);
    expect(studentTTwoSidedP(10, 4)).toBeCloseTo(0.000562003622715991, 12);
    expect(studentTTwoSidedP(0, 5)).toBe(1);
    expect(studentTCdf(Infinity, 3)).toBe(1);
    expect(() => studentTCdf(1, 0)).toThrow(/df > 0/);
  });

  it('the two-sided p keeps precision far in the tail', () => {
    // P(|T| ≥ 50) with 10 df is about 2.5e-13; 2·(1 − F) would round it to a few ulps of 1.
    const p = studentTTwoSidedP(50, 10);
    expect(p).toBeGreaterThan(1e-14);
    expect(p).toBeLessThan(1e-11);
    expect(p / 2).toBeCloseTo(studentTCdf(-50, 10), 20);
  });
});

describe("Welch's t-test", () => {
  it('reproduces the published examples (Wikipedia "Welch\'s t-test"; scipy ttest_ind equal_var=False)', () => {
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTTest(a1, a2)!;
    expect(r.t).toBeCloseTo(-2.455356398286006, 10);
    expect(r.df).toBeCloseTo(24.988529290231416, 9);
    expect(r.pValue).toBeCloseTo(0.021378001462866992, 10);

    const b1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
    const b2 = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];
    const s = welchTTest(b1, b2)!;
    expect(s.t).toBeCloseTo(-1.5654335235985037, 10);
    expect(s.df).toBeCloseTo(9.904741248650831, 9);
    expect(s.pValue).toBeCloseTo(0.14884169660532817, 10);
  });

  it('is antisymmetric in its samples and undefined without spread or with n < 2', () => {
    const a = [0.91, 0.93, 0.92];
    const b = [0.85, 0.8, 0.88];
    const ab = welchTTest(a, b)!;
    const ba = welchTTest(b, a)!;
    expect(ab.t).toBeCloseTo(-ba.t, 14);
    expect(ab.pValue).toBeCloseTo(ba.pValue, 14);
    expect(welchTTest([1, 1], [1, 1])).toBeNull();
    expect(welchTTest([1], [2, 3])).toBeNull();
    // One constant sample is fine: the other carries the variance (df = n₂ − 1).
    const c = welchTTest([0.5, 0.5, 0.5], [0.4, 0.6, 0.3])!;
    expect(c.df).toBeCloseTo(2, 12);
  });
});
