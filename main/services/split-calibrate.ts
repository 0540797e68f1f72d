import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SplitCalibration, SplitCalibrationKey } from '../../contract/index.js';
import { calibrateSplitHere } from '../../engine/index.js';
import { lockFile } from './file-lock.js';
import { currentCalibrationKey, loadSplitCalibration, saveSplitCalibration, SPLIT_CALIBRATION_FILE } from './split-calibration-store.js';

/** The lock file that lets one process at a time measure a data folder's calibration. */
export const SPLIT_CALIBRATION_LOCK = `${SPLIT_CALIBRATION_FILE}.lock`;

export interface EnsureCalibrationOptions {
  /** Measure again even when a calibration for this machine is stored. */
  force?: boolean;
  /** Measures the calibration for a key (default: here, calibrateSplitHere; the host: in a worker). */
  measure?: (key: SplitCalibrationKey) => Promise<SplitCalibration>;
  /** Default currentCalibrationKey(). */
  key?: SplitCalibrationKey;
  /** Receives one line per ignored (corrupt, invalid) stored file (default console.warn). */
  warn?: (line: string) => void;
  /** How long (ms) to wait for another process measuring the same data folder (default 5 min; 0: do not wait). */
  waitMs?: number;
  /** A lock untouched for this long (ms) is taken over (default 60 s; see file-lock.ts). */
  lockStaleMs?: number;
}

/**
 * The machine's split calibration: the stored one when its key matches this machine and engine (and
 * `force` is false), else measured now and stored atomically in `dataDir` — by one process at a time:
 * the measurement runs under `<dataDir>/split-calibration.json.lock` (a lock a killed process cannot
 * leave blocking: see file-lock.ts), and a process that waited for it reads what the holder stored
 * instead of measuring again. A corrupt or hostile stored file is reported through `warn` and replaced.
 * Never inside a run: a run only reads the stored file.
 * @returns the calibration and whether it was measured now; null when another process still held the
 *   lock after `waitMs` (it is measuring; its file will appear)
 * @throws Error when the measurement fails, or the file or the lock cannot be written
 */
export async function ensureSplitCalibration(
  dataDir: string,
  options: EnsureCalibrationOptions = {},
): Promise<{ calibration: SplitCalibration; measured: boolean } | null> {
  const key = options.key ?? currentCalibrationKey();
  const warn = options.warn ?? console.warn;
  if (!options.force) {
    const stored = loadSplitCalibration(dataDir, key, warn);
    if (stored) return { calibration: stored, measured: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const lock = await lockFile(join(dataDir, SPLIT_CALIBRATION_LOCK), options.waitMs ?? 300_000, {
    ...(options.lockStaleMs !== undefined ? { staleMs: options.lockStaleMs } : {}),
  });
  if (!lock) return null;
  try {
    if (!options.force) {
      // Another process may have measured and stored it while this one waited for the lock.
      const stored = loadSplitCalibration(dataDir, key, () => {});
      if (stored) return { calibration: stored, measured: false };
    }
    const calibration = await (options.measure ?? calibrateSplitHere)(key);
    saveSplitCalibration(dataDir, calibration);
    return { calibration, measured: true };
  } finally {
    lock.release();
  }
}
