import type { SplitCalibration } from '../../contract/index.js';
import { initBackend } from '../../engine/backend.js';
import { FULL_WASM_KERNELS } from '../../engine/kernels/index.js';
import { measureSplitCalibration } from '../../engine/parallel/calibrate-split.js';
import { GradientPeer } from '../../engine/parallel/gradient-peer.js';
import { currentCalibrationKey, loadSplitCalibration, saveSplitCalibration } from './split-calibration-store.js';

/**
 * The machine's split calibration: the stored one when its key matches this machine and engine (and
 * `force` is false), else measured now on the wasm backend with a gradient peer thread (a few hundred
 * ms on an idle machine) and stored atomically in `dataDir`. Runs in a process that trains no run
 * (`initscope calibrate`), never inside a run; a run only reads the stored file.
 * @returns the calibration and whether it was measured now
 * @throws Error when the wasm backend or the peer thread cannot start, or the file cannot be written
 */
export async function ensureSplitCalibration(dataDir: string, force = false): Promise<{ calibration: SplitCalibration; measured: boolean }> {
  const key = currentCalibrationKey();
  const stored = force ? null : loadSplitCalibration(dataDir, key);
  if (stored) return { calibration: stored, measured: false };
  const { tf, backend } = await initBackend('wasm', FULL_WASM_KERNELS);
  if (backend !== 'wasm') throw new Error(`split calibration needs the wasm backend, got ${backend}`);
  const peer = new GradientPeer('wasm', FULL_WASM_KERNELS);
  try {
    if (!(await peer.ready)) throw new Error('the gradient peer thread could not start');
    const calibration = await measureSplitCalibration(tf, peer, key);
    saveSplitCalibration(dataDir, calibration);
    return { calibration, measured: true };
  } finally {
    await peer.terminate();
  }
}
