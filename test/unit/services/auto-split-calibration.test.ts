import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SplitCalibration, SplitCalibrationKey } from '../../../contract/index.js';
import { AutoSplitCalibration } from '../../../main/services/auto-split-calibration.js';
import { tryLockFile } from '../../../main/services/file-lock.js';
import { SPLIT_CALIBRATION_LOCK } from '../../../main/services/split-calibrate.js';
import { loadSplitCalibration, saveSplitCalibration, SPLIT_CALIBRATION_FILE } from '../../../main/services/split-calibration-store.js';

const key: SplitCalibrationKey = { cpuModel: 'Test CPU', cores: 2, engineVersion: 'split-1' };
const measuredCalibration = (k: SplitCalibrationKey, minSplitFlops: number | null = 9e7): SplitCalibration => ({
  version: 1,
  key: k,
  minSplitFlops,
  points: [{ flops: 9e7, wholeMs: 3, splitMs: 2 }],
  measuredAt: '2026-12-04T16:00:00.000Z',
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'initscope-autocal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pool whose activity the test sets, and a measurement the test resolves (or fails). */
function harness(options: { fail?: string } = {}) {
  const pool = { isBusy: false, started: 0, busy: () => pool.isBusy, runsStarted: () => pool.started };
  const measurements: { key: SplitCalibrationKey; finish: (c?: SplitCalibration) => void; stopped: boolean }[] = [];
  const log: string[] = [];
  const auto = (extra: Partial<ConstructorParameters<typeof AutoSplitCalibration>[0]> = {}) =>
    new AutoSplitCalibration({
      dataDir: dir,
      key,
      pool,
      log: (line) => log.push(line),
      firstDelayMs: 1,
      retryMs: 5,
      measure: (k) => {
        let finish!: (c?: SplitCalibration) => void;
        const result = new Promise<SplitCalibration>((resolve, reject) => {
          finish = (c) => (options.fail ? reject(new Error(options.fail)) : resolve(c ?? measuredCalibration(k)));
        });
        const m = { key: k, finish, stopped: false };
        measurements.push(m);
        return {
          result,
          stop: () => {
            m.stopped = true;
            finish();
          },
        };
      },
      ...extra,
    });
  return { pool, measurements, log, auto };
}

const until = async (condition: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

describe('automatic split calibration', () => {
  it('measures once in the background when none is stored, stores it, and then serves it without measuring again', async () => {
    const h = harness();
    const first = h.auto();
    expect(first.current()).toBeNull(); // runs use the built-in rule meanwhile
    await until(() => h.measurements.length === 1, 'a measurement');
    expect(h.measurements[0]?.key).toEqual(key);
    h.measurements[0]?.finish();
    await until(() => first.current() !== null, 'the calibration');
    await first.whenSettled();
    expect(first.current()).toEqual(measuredCalibration(key));
    expect(loadSplitCalibration(dir, key)).toEqual(measuredCalibration(key));
    expect(readdirSync(dir)).toEqual([SPLIT_CALIBRATION_FILE]); // lock released
    expect(h.log.join('\n')).toContain('measured this machine');
    // A later host on the same data folder reads it at once.
    const second = h.auto();
    expect(second.current()).toEqual(measuredCalibration(key));
    expect(second.pending).toBe(false);
    await first.close();
    await second.close();
    expect(h.measurements).toHaveLength(1);
  });

  it('measures again when the machine changed (another CPU count in the stored key)', async () => {
    saveSplitCalibration(dir, measuredCalibration({ ...key, cores: 8 }));
    const h = harness();
    const auto = h.auto();
    expect(auto.current()).toBeNull();
    await until(() => h.measurements.length === 1, 'a measurement');
    h.measurements[0]?.finish();
    await until(() => auto.current() !== null, 'the calibration');
    expect(auto.current()?.key).toEqual(key);
    expect(loadSplitCalibration(dir, key)?.key.cores).toBe(2);
    await auto.close();
  });

  it('logs a corrupt or hostile file by name and field, keeps running, and replaces it with a measured one', async () => {
    const path = join(dir, SPLIT_CALIBRATION_FILE);
    for (const [content, expected] of [
      ['{"version": 1, "key": ', 'not JSON'],
      [
        `{"__proto__": {"polluted": true}, ${JSON.stringify({ ...measuredCalibration(key), minSplitFlops: 'Infinity' }).slice(1)}`,
        "invalid at 'minSplitFlops'",
      ],
      [JSON.stringify({ ...measuredCalibration(key), points: [{ flops: -1, wholeMs: 1e308, splitMs: 0 }] }), "invalid at 'points.0.flops'"],
    ] as const) {
      writeFileSync(path, content);
      const h = harness();
      const auto = h.auto();
      expect(auto.current()).toBeNull();
      expect(h.log[0]).toContain(path);
      expect(h.log[0]).toContain(expected);
      await until(() => h.measurements.length === 1, 'a measurement');
      h.measurements[0]?.finish();
      await until(() => auto.current() !== null, 'the calibration');
      await auto.whenSettled();
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(measuredCalibration(key));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await auto.close();
    }
  });

  it('waits while runs train, and discards a measurement during which a run started (then measures again)', async () => {
    const h = harness();
    h.pool.isBusy = true;
    const auto = h.auto();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(h.measurements).toHaveLength(0); // never measures beside this host's runs
    h.pool.isBusy = false;
    await until(() => h.measurements.length === 1, 'a measurement');
    h.pool.started++; // a run started and ended during the measurement
    h.measurements[0]?.finish(measuredCalibration(key, 1));
    await until(() => h.measurements.length === 2, 'a second measurement');
    expect(auto.current()).toBeNull();
    expect(loadSplitCalibration(dir, key)).toBeNull();
    expect(h.log.join('\n')).toContain('discarded');
    h.measurements[1]?.finish();
    await until(() => auto.current() !== null, 'the calibration');
    expect(auto.current()?.minSplitFlops).toBe(9e7);
    await auto.close();
  });

  it('a failed measurement is logged once, not retried, and runs keep the built-in rule', async () => {
    const h = harness({ fail: 'split calibration needs the wasm backend, got cpu' });
    const auto = h.auto();
    await until(() => h.measurements.length === 1, 'a measurement');
    h.measurements[0]?.finish();
    await until(() => !auto.pending, 'the attempt to end');
    await auto.whenSettled();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(h.measurements).toHaveLength(1);
    expect(auto.current()).toBeNull();
    expect(h.log).toEqual([expect.stringContaining('split calibration failed (split calibration needs the wasm backend, got cpu)')]);
    expect(readdirSync(dir)).toEqual([]); // no lock left
    await auto.close();
  });

  it('does not measure while another process holds the lock, and takes the file that process stores', async () => {
    const other = tryLockFile(join(dir, SPLIT_CALIBRATION_LOCK));
    const h = harness();
    const auto = h.auto();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(h.measurements).toHaveLength(0);
    saveSplitCalibration(dir, measuredCalibration(key, 123e6));
    other?.release();
    await until(() => auto.current() !== null, 'the other process’s calibration');
    expect(auto.current()?.minSplitFlops).toBe(123e6);
    expect(h.measurements).toHaveLength(0);
    await auto.close();
  });

  it('close() stops a measurement in flight and releases the lock', async () => {
    const h = harness();
    const auto = h.auto();
    await until(() => h.measurements.length === 1, 'a measurement');
    await auto.close();
    expect(h.measurements[0]?.stopped).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});
