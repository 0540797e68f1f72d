import type { SplitCalibrationPoint } from '../../contract/index.js';

/**
 * Version of the step code and kernels a split calibration measures. Bump it when engine/kernels,
 * engine/step.ts or engine/parallel change speed, so stored calibrations are measured again
 * (split-2: the native GEMM, engine/kernels/native-gemm.ts; the host adds `+native` to the key where
 * the addon loads, since it makes every step ~2× cheaper and the split's fixed cost weigh more).
 */
export const CALIBRATION_ENGINE_VERSION = 'split-2';

/**
 * Two-core speed-up a split must reach at a calibration point to count as paying: whole / split ≥ this.
 * Above 1 by a margin so that measurement noise does not make a run slower than on one core (#15: ≥ 0.98×).
 */
export const MIN_CALIBRATED_SPEEDUP = 1.02;

/**
 * The calibrated threshold from measured reference steps: the smallest measured work (FLOP per step)
 * from which every measured step at least as large was faster in two parts (whole / split ≥
 * MIN_CALIBRATED_SPEEDUP); null when the largest one was not (splitting never pays here).
 * A pure function: the same points give the same threshold.
 * @param points the measured reference steps, any order
 * @throws Error when there are no points
 */
export function thresholdFromPoints(points: readonly SplitCalibrationPoint[]): number | null {
  if (points.length === 0) throw new Error('a split calibration needs at least one measured step');
  const sorted = [...points].sort((a, b) => a.flops - b.flops);
  let threshold: number | null = null;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i] as SplitCalibrationPoint;
    if (p.wholeMs / p.splitMs < MIN_CALIBRATED_SPEEDUP) break;
    threshold = p.flops;
  }
  return threshold;
}
