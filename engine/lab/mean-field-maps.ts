import type { Phase } from '../../contract/index.js';
import { expectNormal, type NormalRule } from './quadrature.js';

/** An activation with its derivative, as float64 scalar functions. */
export interface ScalarActivation {
  phi: (x: number) => number;
  dphi: (x: number) => number;
}

/** The quadrature rules the maps integrate with: 1-D (Simpson, kinks) and 2-D (Gauss–Hermite, per axis). */
export interface MeanFieldRules {
  line: NormalRule;
  plane: NormalRule;
}

/** Mean-field quantities at one (σ_w², σ_b²); see contract/lab.ts PhaseCell. */
export interface MeanFieldPoint {
  phase: Phase;
  q: number | null;
  chi1: number | null;
  chiQ: number | null;
  c: number | null;
  xiQ: number | null;
  xiC: number | null;
}

/** Above this q* the variance map counts as unbounded (activations grow without limit). */
export const Q_MAX = 1e6;
/** Below this, q* is 0 (the signal dies out); the derivatives are taken at this q. */
const Q_MIN = 1e-12;
/** |χ₁ − 1| below this is critical. */
const CRITICAL_TOLERANCE = 1e-9;

/**
 * The variance map V(q) = σ_w² E[φ(√q z)²] + σ_b² and its slope V'(q), in one pass. The slope uses
 * Stein's identity, d/dq E[f(√q z)] = E[f(√q z)(z² − 1)]/(2q), which equals σ_w² E[φ'² + φφ''] (the
 * paper's χ₁ + σ_w² E[φ''φ]) without differentiating φ twice, so kinks need no special care.
 */
export function varianceMap(act: ScalarActivation, rule: NormalRule, sw2: number, sb2: number, q: number): { value: number; slope: number } {
  const qe = Math.max(q, Q_MIN);
  const s = Math.sqrt(qe);
  let m2 = 0;
  let stein = 0;
  const { nodes, weights } = rule;
  for (let i = 0; i < nodes.length; i++) {
    const z = nodes[i] as number;
    const y = act.phi(s * z);
    const w = (weights[i] as number) * y * y;
    m2 += w;
    stein += w * (z * z - 1);
  }
  return { value: sw2 * (q > 0 ? m2 : act.phi(0) ** 2) + sb2, slope: (sw2 * stein) / (2 * qe) };
}

/**
 * The fixed point q* of the variance map reached from q₀ = 1 (the stable one): Newton steps where the
 * map contracts (slope < 1), plain iterations elsewhere. Null when q passes {@link Q_MAX} or is still
 * growing after the iteration budget (no finite fixed point).
 */
export function varianceFixedPoint(act: ScalarActivation, rule: NormalRule, sw2: number, sb2: number): number | null {
  let q = 1;
  for (let iter = 0; iter < 400; iter++) {
    const { value, slope } = varianceMap(act, rule, sw2, sb2, q);
    if (!Number.isFinite(value) || value > Q_MAX) return null;
    const g = value - q;
    if (Math.abs(g) <= 1e-13 * Math.max(q, 1e-300)) return value;
    const newton = q - g / (slope - 1);
    q = slope < 1 && Number.isFinite(newton) && newton > 0 ? newton : value;
    if (q < Q_MIN) return 0;
  }
  const { value } = varianceMap(act, rule, sw2, sb2, q);
  return value > q ? null : q;
}

/** E over (u₁, u₂) jointly Gaussian with variances q and correlation c of f(u₁)·f(u₂) (2-D rule). */
function correlated(rule: NormalRule, q: number, c: number, f: (x: number) => number): number {
  const s = Math.sqrt(q);
  const r = Math.sqrt(Math.max(0, 1 - c * c));
  const { nodes, weights } = rule;
  const n = nodes.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const z1 = nodes[i] as number;
    const f1 = f(s * z1);
    let inner = 0;
    for (let j = 0; j < n; j++) inner += (weights[j] as number) * f(s * (c * z1 + r * (nodes[j] as number)));
    sum += (weights[i] as number) * f1 * inner;
  }
  return sum;
}

/**
 * The stable fixed point c* < 1 of the correlation map c ← (σ_w² E[φ(u₁)φ(u₂)] + σ_b²)/q* in the
 * chaotic phase (where c = 1 is unstable), by the Illinois variant of regula falsi (h(c) = map(c) − c
 * is ≥ 0 at 0 for σ_b² ≥ 0 and < 0 just below 1 when χ₁ > 1). Null if no sign change is found up to
 * 1 − 10⁻⁴ (too close to criticality for the quadrature to tell).
 */
export function chaoticCorrelation(act: ScalarActivation, plane: NormalRule, sw2: number, sb2: number, q: number): number | null {
  const h = (c: number): number => (sw2 * correlated(plane, q, c, act.phi) + sb2) / q - c;
  let a = 0;
  let fa = h(a);
  if (fa <= 0) return 0;
  // The first b (moving towards 1) where h < 0 brackets c*; near 1 the quadrature's error can exceed
  // h ≈ (1 − b)(1 − χ₁), so the bracket is searched from afar.
  let b = NaN;
  let fb = NaN;
  for (const candidate of [0.5, 0.9, 0.99, 0.999, 0.9999]) {
    const value = h(candidate);
    if (value < 0) {
      b = candidate;
      fb = value;
      break;
    }
    a = candidate;
    fa = value;
  }
  if (Number.isNaN(b)) return null;
  let side = 0;
  for (let iter = 0; iter < 100; iter++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = h(c);
    if (Math.abs(fc) < 1e-13 || b - a < 1e-12) return c;
    if (fc > 0) {
      a = c;
      fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return (a + b) / 2;
}

/** −1/ln χ for χ ∈ (0, 1) (a depth scale in layers), else null (infinite or undefined). */
export function depthScale(chi: number | null): number | null {
  if (chi === null || !(chi > 0 && chi < 1)) return null;
  return -1 / Math.log(chi);
}

/**
 * Every mean-field quantity at one (σ_w², σ_b²) (Schoenholz et al. 2017, §2–3): q*, χ₁ = σ_w² E[φ'(√q* z)²],
 * the slope χ_q of the variance map at q* and ξ_q = −1/ln χ_q; the phase; c* (1 when ordered) and
 * ξ_c = −1/ln χ_c with χ_c = σ_w² E[φ'(u₁)φ'(u₂)] at c* (χ_c = χ₁ when ordered, ∞ at criticality).
 */
export function meanFieldPoint(act: ScalarActivation, rules: MeanFieldRules, sw2: number, sb2: number): MeanFieldPoint {
  const q = varianceFixedPoint(act, rules.line, sw2, sb2);
  if (q === null) return { phase: 'unbounded', q: null, chi1: null, chiQ: null, c: null, xiQ: null, xiC: null };
  const chi1 = sw2 * expectNormal(rules.line, Math.max(q, Q_MIN), (x) => act.dphi(x) ** 2);
  const chiQ = varianceMap(act, rules.line, sw2, sb2, q).slope;
  const xiQ = depthScale(chiQ);
  if (Math.abs(chi1 - 1) < CRITICAL_TOLERANCE) return { phase: 'critical', q, chi1, chiQ, c: 1, xiQ, xiC: null };
  if (chi1 < 1) return { phase: 'ordered', q, chi1, chiQ, c: 1, xiQ, xiC: depthScale(chi1) };
  const c = q > Q_MIN ? chaoticCorrelation(act, rules.plane, sw2, sb2, q) : null;
  const chiC = c === null ? null : sw2 * correlated(rules.plane, q, c, act.dphi);
  return { phase: 'chaotic', q, chi1, chiQ, c, xiQ, xiC: depthScale(chiC) };
}
