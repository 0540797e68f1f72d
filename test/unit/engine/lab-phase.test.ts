import { describe, expect, it } from 'vitest';
import { ActivationSpec, NetworkSpec } from '../../../contract/index.js';
import { activationDerivative } from '../../../engine/lab/activation-derivatives.js';
import { meanFieldPoint, varianceFixedPoint } from '../../../engine/lab/mean-field-maps.js';
import { networkPhasePoints } from '../../../engine/lab/network-points.js';
import { meanFieldRules, phaseDiagram, scalarPair } from '../../../engine/lab/phase-diagram.js';

/*
 * The order–chaos phase diagram (Schoenholz et al. 2017) against theory. The paper gives its critical
 * line only as a figure (no table of values), so the engine's line is compared with an INDEPENDENT
 * high-accuracy computation written here: physicists' Gauss–Hermite nodes found by Newton's method on
 * the Hermite recurrence (the engine uses Simpson's rule and Golub–Welsch eigenvalues instead), plain
 * fixed-point iteration of the variance map, and bisection on χ₁. The two quadratures agree to ~1e-8
 * (tolerances below: 1e-7 on q* and χ₁, 1e-6 on the critical σ_w²). Exact results are used where the theory has them: ReLU's χ₁ = σ_w²/2 and its
 * critical point (2, 0), tanh's critical point (1, 0) where q* → 0 and χ₁ → σ_w²·tanh'(0)² = σ_w².
 */

/** Gauss–Hermite for ∫e^{−x²}f(x)dx (Numerical Recipes' gauher: Newton on the orthonormal recurrence). */
function gaussHermitePhysicists(n: number): { x: number[]; w: number[] } {
  const x = new Array<number>(n).fill(0);
  const w = new Array<number>(n).fill(0);
  const pim4 = Math.PI ** -0.25;
  let z = 0;
  for (let i = 0; i < (n + 1) >> 1; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0]!;
    else if (i === 3) z = 1.91 * z - 0.91 * x[1]!;
    else z = 2 * z - x[i - 2]!;
    let pp = 0;
    for (let its = 0; its < 100; its++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15) break;
    }
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
    w[n - 1 - i] = w[i]!;
  }
  return { x, w };
}

const GH = gaussHermitePhysicists(120);
/** E[f(√q z)], z ~ N(0,1), by the independent rule. */
const expect1 = (q: number, f: (x: number) => number): number => GH.x.reduce((s, xi, i) => s + GH.w[i]! * f(Math.sqrt(2 * q) * xi), 0) / Math.sqrt(Math.PI);

/** Independent tanh critical σ_w² at σ_b²: plain iteration for q*, bisection for χ₁ = 1. */
function independentTanhCritical(sb2: number): number {
  const chi1 = (sw2: number): number => {
    let q = 1;
    for (let i = 0; i < 5000; i++) q = sw2 * expect1(q, (x) => Math.tanh(x) ** 2) + sb2;
    return sw2 * expect1(q, (x) => (1 - Math.tanh(x) ** 2) ** 2);
  };
  let a = 1;
  let b = 4;
  for (let i = 0; i < 45; i++) {
    const m = (a + b) / 2;
    if (chi1(m) < 1) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

const tanh = scalarPair({ name: 'tanh' });
const relu = scalarPair({ name: 'relu' });
const rules = meanFieldRules();

describe('order–chaos phase diagram', () => {
  it('ReLU: χ₁ = σ_w²/2, critical exactly at σ_w² = 2, σ_b² = 0; unbounded beyond', () => {
    const at = meanFieldPoint(relu, rules, 2, 0);
    expect(at.phase).toBe('critical');
    expect(at.chi1).toBeCloseTo(1, 12);
    expect(at.xiC).toBeNull(); // infinite depth scale
    const below = meanFieldPoint(relu, rules, 1.6, 0.1);
    expect(below.phase).toBe('ordered');
    expect(below.chi1).toBeCloseTo(0.8, 12);
    expect(below.q).toBeCloseTo(0.1 / (1 - 0.8), 10); // q* = σ_b² / (1 − σ_w²/2)
    expect(meanFieldPoint(relu, rules, 2.2, 0).phase).toBe('unbounded');
    const d = phaseDiagram({ activation: { name: 'relu' }, weightVariance: { min: 1, max: 3, steps: 9 }, biasVariance: { min: 0, max: 0.2, steps: 3 } });
    expect(d.criticalLine[0]!.biasVariance).toBe(0);
    expect(d.criticalLine[0]!.weightVariance).toBeCloseTo(2, 9);
  });

  it('tanh: the critical line passes through (σ_w², σ_b²) = (1, 0) and matches an independent computation', () => {
    const d = phaseDiagram({ activation: { name: 'tanh' }, weightVariance: { min: 0.5, max: 4, steps: 15 }, biasVariance: { min: 0, max: 0.2, steps: 5 } });
    expect(d.criticalLine.map((p) => p.biasVariance)).toEqual(d.biasVariances);
    expect(d.criticalLine[0]!.weightVariance).toBeCloseTo(1, 6);
    for (const point of d.criticalLine.slice(1)) {
      expect(point.weightVariance, `σ_b² = ${point.biasVariance}`).toBeCloseTo(independentTanhCritical(point.biasVariance), 6);
    }
    // The line rises with σ_b² (more bias needs more weight variance to reach the edge of chaos).
    for (let i = 1; i < d.criticalLine.length; i++) expect(d.criticalLine[i]!.weightVariance).toBeGreaterThan(d.criticalLine[i - 1]!.weightVariance);
    // Below the line ordered, above chaotic, row by row.
    for (const cell of d.cells) {
      const edge = d.criticalLine.find((p) => p.biasVariance === cell.biasVariance)!.weightVariance;
      if (Math.abs(cell.weightVariance - edge) > 1e-3) expect(cell.phase).toBe(cell.weightVariance < edge ? 'ordered' : 'chaotic');
    }
  });

  it('the default tanh diagram has a finite ξ_c in every ordered and chaotic cell', () => {
    const d = phaseDiagram({ activation: { name: 'tanh' } });
    const missing = d.cells.filter((c) => (c.phase === 'chaotic' || c.phase === 'ordered') && c.xiC === null);
    expect(missing.map((c) => [c.weightVariance, c.biasVariance])).toEqual([]);
  });

  it('q* and χ₁ of tanh agree with the independent quadrature', () => {
    for (const [sw2, sb2] of [
      [1.5, 0.1],
      [3, 0.05],
      [2.5, 0.2],
    ] as const) {
      let q = 1;
      for (let i = 0; i < 5000; i++) q = sw2 * expect1(q, (x) => Math.tanh(x) ** 2) + sb2;
      const p = meanFieldPoint(tanh, rules, sw2, sb2);
      expect(p.q!).toBeCloseTo(q, 7);
      expect(p.chi1!).toBeCloseTo(sw2 * expect1(q, (x) => (1 - Math.tanh(x) ** 2) ** 2), 7);
    }
  });

  it("ξ_q = −1/ln(χ₁ + σ_w² E[φ''φ]) (the paper's formula) and it is the variance map's convergence rate", () => {
    const d2tanh = (x: number): number => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2);
    for (const [sw2, sb2] of [
      [1.5, 0.1],
      [3, 0.05],
    ] as const) {
      const p = meanFieldPoint(tanh, rules, sw2, sb2);
      const formula = p.chi1! + sw2 * expect1(p.q!, (x) => d2tanh(x) * Math.tanh(x));
      expect(p.chiQ!).toBeCloseTo(formula, 7);
      expect(p.xiQ!).toBeCloseTo(-1 / Math.log(formula), 6);
      // Iterate the variance map from a perturbed q: |q_l − q*| shrinks by χ_q per layer, i.e. ~ e^{−l/ξ_q}.
      let q = p.q! * 1.001;
      const gaps: number[] = [];
      for (let l = 0; l < 8; l++) {
        gaps.push(q - p.q!);
        q = sw2 * expect1(q, (x) => Math.tanh(x) ** 2) + sb2;
      }
      const measuredXi = -7 / Math.log(gaps[7]! / gaps[0]!);
      expect(Math.abs(measuredXi / p.xiQ! - 1)).toBeLessThan(2e-3);
    }
  });

  it('ξ_c = −1/ln χ₁ when ordered; in chaos c* is a fixed point of the correlation map and ξ_c is finite', () => {
    const ordered = meanFieldPoint(tanh, rules, 1.5, 0.1);
    expect(ordered.c).toBe(1);
    expect(ordered.xiC!).toBeCloseTo(-1 / Math.log(ordered.chi1!), 12);
    const chaotic = meanFieldPoint(tanh, rules, 3, 0.05);
    expect(chaotic.phase).toBe('chaotic');
    const q = chaotic.q!;
    const c = chaotic.c!;
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    // Independent 2-D check: E[φ(u₁)φ(u₂)] with u₂ = √q (c z₁ + √(1−c²) z₂), by the 120-node rule in both axes.
    const inner = (z1: number): number => expect1(1, (z2) => Math.tanh(Math.sqrt(q) * (c * z1 + Math.sqrt(1 - c * c) * z2)));
    const cross = expect1(1, (z1) => Math.tanh(Math.sqrt(q) * z1) * inner(z1));
    expect((3 * cross + 0.05) / q).toBeCloseTo(c, 6);
    expect(chaotic.xiC!).toBeGreaterThan(0);
    // ξ_c grows without bound towards the critical line from both sides.
    const edge = independentTanhCritical(0.05);
    expect(meanFieldPoint(tanh, rules, edge * 0.98, 0.05).xiC!).toBeGreaterThan(meanFieldPoint(tanh, rules, edge * 0.8, 0.05).xiC!);
    expect(meanFieldPoint(tanh, rules, edge * 1.02, 0.05).xiC!).toBeGreaterThan(meanFieldPoint(tanh, rules, edge * 1.3, 0.05).xiC!);
  });

  it('varianceFixedPoint finds q* = 0 for tanh in the ordered phase without bias', () => {
    expect(varianceFixedPoint(tanh, rules.line, 0.8, 0)).toBe(0);
    expect(meanFieldPoint(tanh, rules, 0.8, 0).chi1).toBeCloseTo(0.8, 9);
  });

  it('ReLU derivative has the one-sided jump the quadrature handles; softmax has none', () => {
    expect(activationDerivative({ name: 'relu' })!(1e-9)).toBe(1);
    expect(activationDerivative({ name: 'relu' })!(-1e-9)).toBe(0);
    expect(activationDerivative(ActivationSpec.parse({ name: 'softmax' }))).toBeNull();
  });

  it("places the user's network: He-normal ReLU layers at (2, 0), grouped; the softmax output apart", () => {
    const network = NetworkSpec.parse({
      inputShape: [10],
      layers: [
        { type: 'dense', units: 64, activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
        { type: 'dense', units: 64, activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
        {
          type: 'dense',
          units: 32,
          activation: { name: 'linear' },
          kernelInitializer: { name: 'varianceScaling', scale: 1.5 },
          biasInitializer: { name: 'normal', std: 0.2 },
        },
        { type: 'activation', activation: { name: 'relu' } },
        { type: 'dense', units: 3, activation: { name: 'softmax' } },
      ],
    });
    const { points, depth } = networkPhasePoints(network, { name: 'relu' });
    expect(depth).toBe(4);
    expect(points[0]).toMatchObject({ layers: [0, 1], sameActivation: true });
    expect(points[0]!.weightVariance).toBeCloseTo(2, 12);
    expect(points[0]!.biasVariance).toBe(0);
    expect(points[1]).toMatchObject({ layers: [2], sameActivation: true });
    expect(points[1]!.weightVariance).toBeCloseTo(1.5, 12);
    expect(points[1]!.biasVariance).toBeCloseTo(0.04, 12);
    expect(points[2]).toMatchObject({ layers: [4], sameActivation: false });
    const d = phaseDiagram({
      activation: { name: 'relu' },
      network,
      weightVariance: { min: 1, max: 3, steps: 3 },
      biasVariance: { min: 0, max: 0.1, steps: 2 },
    });
    expect(d.depth).toBe(4);
    expect(d.depthCurve.biasVariance).toBe(0);
    expect(d.depthCurve.points).toHaveLength(201);
  });

  it('refuses a bad request naming the field', () => {
    expect(() => phaseDiagram({ activation: { name: 'softmax' } })).toThrow(/activation: softmax is not element-wise/);
    expect(() => phaseDiagram({ activation: { name: 'tanh' }, weightVariance: { min: 2, max: 1, steps: 5 } })).toThrow(/weightVariance\.max/);
  });
});
