import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { SplitCalibration, type SplitCalibrationKey } from '../../contract/index.js';
import { CALIBRATION_ENGINE_VERSION, nativeGemmStatus } from '../../engine/index.js';

/** The calibration's file name in the data folder. */
export const SPLIT_CALIBRATION_FILE = 'split-calibration.json';

/**
 * The key of this machine and engine: CPU model, cores (os.availableParallelism()), engine version with
 * `+native` where the native GEMM loads (workers load the same addon from the same dist/ and environment).
 */
export function currentCalibrationKey(): SplitCalibrationKey {
  const engineVersion = `${CALIBRATION_ENGINE_VERSION}${nativeGemmStatus().available ? '+native' : ''}`;
  return { cpuModel: os.cpus()[0]?.model.trim() || 'unknown', cores: os.availableParallelism(), engineVersion };
}

function sameKey(a: SplitCalibrationKey, b: SplitCalibrationKey): boolean {
  return a.cpuModel === b.cpuModel && a.cores === b.cores && a.engineVersion === b.engineVersion;
}

/**
 * The stored split calibration at `<dataDir>/split-calibration.json` when it is valid and its key is
 * `key`; null when there is none, its key differs (another machine or engine: measure again), or the
 * file is unreadable or invalid — then `warn` is told which file and why, and the file is left for
 * the next save to replace.
 * @param warn receives one line per ignored file (default console.warn)
 */
export function loadSplitCalibration(
  dataDir: string,
  key: SplitCalibrationKey = currentCalibrationKey(),
  warn: (line: string) => void = console.warn,
): SplitCalibration | null {
  const path = join(dataDir, SPLIT_CALIBRATION_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`${path}: unreadable (${(error as Error).message}); calibrating again`);
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    warn(`${path}: not JSON (${(error as Error).message}); calibrating again`);
    return null;
  }
  const parsed = SplitCalibration.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    warn(`${path}: invalid at '${issue?.path.join('.') ?? ''}' (${issue?.message ?? 'unknown'}); calibrating again`);
    return null;
  }
  return sameKey(parsed.data.key, key) ? parsed.data : null;
}

/**
 * Stores `calibration` at `<dataDir>/split-calibration.json` atomically (a temporary file in the same
 * folder, then rename): a reader sees the old file or the new one, never half of one.
 * @throws Error naming the file when it cannot be written (the old file is kept)
 */
export function saveSplitCalibration(dataDir: string, calibration: SplitCalibration): void {
  const path = join(dataDir, SPLIT_CALIBRATION_FILE);
  const valid = SplitCalibration.parse(calibration);
  const tmp = join(dirname(path), `.${SPLIT_CALIBRATION_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, `${JSON.stringify(valid, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new Error(`${path}: could not store the split calibration (${(error as Error).message})`);
  }
}
