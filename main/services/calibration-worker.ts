import { randomUUID } from 'node:crypto';
import type { SplitCalibration, SplitCalibrationKey } from '../../contract/index.js';
import { parseMessage, WorkerToHost } from '../../engine/index.js';
import type { WorkerLauncher } from './worker-launcher.js';

/** A split calibration being measured in a worker process of its own. */
export interface CalibrationInWorker {
  /** The measured calibration; rejects (with the worker's reason) when it fails, stops or times out. */
  result: Promise<SplitCalibration>;
  /** Kills the worker (the result then rejects unless it has already settled). */
  stop(): void;
}

/**
 * Starts an engine worker with `launcher` (the host's, so it registers the same kernels as the workers
 * that train), asks it to measure the split calibration for `key` ('calibrate'), and stops it after the
 * answer. The measurement runs off the host's thread and in no training worker, so it never delays a
 * run's start nor shares a process with one.
 * @param timeoutMs the worker is killed and the result rejected after this long (default 3 min)
 */
export function measureSplitInWorker(launcher: WorkerLauncher, key: SplitCalibrationKey, timeoutMs = 180_000): CalibrationInWorker {
  const handle = launcher();
  const requestId = randomUUID();
  let settle: { resolve: (c: SplitCalibration) => void; reject: (e: Error) => void } | null = null;
  const result = new Promise<SplitCalibration>((resolve, reject) => (settle = { resolve, reject }));
  const finish = (outcome: SplitCalibration | Error): void => {
    const s = settle;
    if (!s) return;
    settle = null;
    clearTimeout(timer);
    if (outcome instanceof Error) s.reject(outcome);
    else s.resolve(outcome);
    handle.send({ type: 'shutdown' });
    setTimeout(() => handle.kill(), 2000).unref();
  };
  const timer = setTimeout(() => {
    finish(new Error(`the split calibration took longer than ${Math.round(timeoutMs / 1000)} s`));
    handle.kill();
  }, timeoutMs);
  timer.unref();
  handle.onMessage((raw) => {
    const parsed = parseMessage(WorkerToHost, raw);
    if (!parsed.ok) return finish(new Error(`the calibration worker sent an invalid '${parsed.type ?? '?'}' message (${parsed.error})`));
    const message = parsed.message;
    if (message.type === 'ready') handle.send({ type: 'calibrate', requestId, key });
    else if (message.type === 'calibrateResult' && message.requestId === requestId) {
      finish(message.result ?? new Error(message.error ?? 'the calibration worker answered neither a result nor an error'));
    }
  });
  handle.onExit((code, signal) => finish(new Error(`the calibration worker stopped (${code === null ? `signal ${signal}` : `exit code ${code}`})`)));
  return {
    result,
    stop: () => {
      finish(new Error('the split calibration was stopped'));
      handle.kill();
    },
  };
}
