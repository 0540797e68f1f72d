import { regularizedIncompleteBeta } from './special-functions.js';

/**
 * Cumulative distribution function of Student's t with `df` > 0 degrees of freedom (df may be
 * fractional, as Welch's test needs): for t ≥ 0, F(t) = 1 − ½·I_{df/(df+t²)}(df/2, ½), and
 * F(−t) = 1 − F(t). df = 1 is the Cauchy distribution, F(t) = ½ + atan(t)/π.
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`Student t needs df > 0, got ${df}`);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Two-sided p-value of a t statistic: P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, ½), computed directly
 * (not as 2·(1 − F)) so small p-values keep their precision.
 */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`Student t needs df > 0, got ${df}`);
  if (!Number.isFinite(t)) return Number.isNaN(t) ? Number.NaN : 0;
  return Math.min(1, regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5));
}
