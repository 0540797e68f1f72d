import { mean, sampleVariance } from './descriptive.js';
import { studentTTwoSidedP } from './student-t.js';

/** Welch's t-test result: statistic, Welch–Satterthwaite degrees of freedom, two-sided p-value. */
export interface WelchTest {
  /** t = (x̄₁ − x̄₂) / √(s₁²/n₁ + s₂²/n₂); positive when the first sample's mean is larger. */
  t: number;
  /** ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)). */
  df: number;
  /** P(|T_ν| ≥ |t|) under equal means. */
  pValue: number;
}

/**
 * Welch's unequal-variance t-test of two independent samples (e.g. final accuracies over seeds of two
 * sweep cells). Returns null when a sample has fewer than 2 values, or when both variances are 0 (the
 * statistic is undefined; identical constant samples are not evidence of anything).
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchTest | null {
  if (a.length < 2 || b.length < 2) return null;
  const va = (sampleVariance(a) as number) / a.length;
  const vb = (sampleVariance(b) as number) / b.length;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const t = ((mean(a) as number) - (mean(b) as number)) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  return { t, df, pValue: studentTTwoSidedP(t, df) };
}
