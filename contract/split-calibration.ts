import { z } from 'zod';

/**
 * What a split calibration was measured on: a stored calibration is used only while all three match
 * the machine and engine the host runs now (else it is measured again).
 */
export const SplitCalibrationKey = z.object({
  /** os.cpus()[0].model, e.g. 'AMD EPYC 7B13'. */
  cpuModel: z.string(),
  /** os.availableParallelism(). */
  cores: z.number().int().positive(),
  /** The engine's step code and kernel version (engine/parallel/split-calibration.ts CALIBRATION_ENGINE_VERSION). */
  engineVersion: z.string(),
});
export type SplitCalibrationKey = z.infer<typeof SplitCalibrationKey>;

/** One reference step measured by a calibration: whole on one core vs two parts on two cores. */
export const SplitCalibrationPoint = z.object({
  /** Training work of one step: 6 × batch × forward multiply-adds, in FLOP. */
  flops: z.number().positive(),
  /** Median milliseconds of a whole step on one core. */
  wholeMs: z.number().positive(),
  /** Median milliseconds of a two-part step, the second part on the other core. */
  splitMs: z.number().positive(),
});
export type SplitCalibrationPoint = z.infer<typeof SplitCalibrationPoint>;

/**
 * A per-machine calibration of batch splitting, measured once (never inside a run) and stored in the
 * data folder. `minSplitFlops`: training work per step (FLOP) from which a two-part step on two cores
 * was measured at least as fast as a whole step on one; Infinity is stored as null (never split).
 */
export const SplitCalibration = z.object({
  version: z.literal(1),
  key: SplitCalibrationKey,
  minSplitFlops: z.number().positive().nullable(),
  points: z.array(SplitCalibrationPoint),
  /** ISO time of the measurement. */
  measuredAt: z.string(),
});
export type SplitCalibration = z.infer<typeof SplitCalibration>;

/** A calibration key as one string, e.g. for provenance: `cpuModel × cores, engine engineVersion`. */
export function calibrationKeyText(key: SplitCalibrationKey): string {
  return `${key.cpuModel} × ${key.cores}, engine ${key.engineVersion}`;
}
