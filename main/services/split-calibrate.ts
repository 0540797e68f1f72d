import type { SplitCalibration } from '../../contract/index.js';
import { calibrateSplitHere } from '../../engine/index.js';
import { currentCalibrationKey, loadSplitCalibration, saveSplitCalibration } from './split-calibration-store.js';

/**
 * The machine's split calibration: the stored one when its key matches this machine and engine (and
 * `force` is false), else measured now on the wasm backend with a gradient peer thread (a few hundred
 * ms to a few s) and stored atomically in `dataDir`. Runs in a process that trains no run
 * (`initscope calibrate`, the bench), never inside a run; a run only reads the stored file.
 * @returns the calibration and whether it was measured now
 * @throws Error when the wasm backend or the peer thread cannot start, or the file cannot be written
 */
export async function ensureSplitCalibration(dataDir: string, force = false): Promise<{ calibration: SplitCalibration; measured: boolean }> {
  const key = currentCalibrationKey();
  const stored = force ? null : loadSplitCalibration(dataDir, key);
  if (stored) return { calibration: stored, measured: false };
  const calibration = await calibrateSplitHere(key);
  saveSplitCalibration(dataDir, calibration);
  return { calibration, measured: true };
}
