import { describe, expect, it } from 'vitest';
import { SplitCalibration } from '../../../contract/index.js';
import { CALIBRATION_CASES } from '../../../engine/parallel/calibrate-split.js';
import { thresholdFromPoints } from '../../../engine/parallel/split-calibration.js';
import { measureSplitInWorker } from '../../../main/services/calibration-worker.js';
import { forkWorkerLauncher } from '../../../main/services/worker-launcher.js';

const key = { cpuModel: 'Test CPU', cores: 2, engineVersion: 'split-1' };

describe('split calibration in a worker process of its own', () => {
  it('measures every reference step on the wasm backend and answers a valid calibration', async () => {
    const calibration = await measureSplitInWorker(forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' }), key).result;
    expect(SplitCalibration.parse(calibration)).toEqual(calibration);
    expect(calibration.key).toEqual(key);
    expect(calibration.points).toHaveLength(CALIBRATION_CASES.length);
    // The threshold is the one the measured points give (an independent recomputation).
    expect(calibration.minSplitFlops).toBe(thresholdFromPoints(calibration.points));
    // Work grows with the reference steps (filters × batch), as the FLOP count says.
    const flops = calibration.points.map((p) => p.flops);
    expect([...flops].sort((a, b) => a - b)).toEqual(flops);
  }, 120_000);

  it('rejects with the reason when the worker has no wasm backend, and when it is stopped', async () => {
    await expect(measureSplitInWorker(forkWorkerLauncher({ INITSCOPE_BACKEND: 'cpu' }), key).result).rejects.toThrow(/needs the wasm backend, got cpu/);
    const job = measureSplitInWorker(forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' }), key);
    job.stop();
    await expect(job.result).rejects.toThrow(/stopped/);
  }, 120_000);
});
