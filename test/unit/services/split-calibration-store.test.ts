import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SplitCalibration } from '../../../contract/index.js';
import { loadSplitCalibration, saveSplitCalibration, SPLIT_CALIBRATION_FILE } from '../../../main/services/split-calibration-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'initscope-calib-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const key = { cpuModel: 'Test CPU @ 2.0GHz', cores: 2, engineVersion: 'split-1' };
const calibration: SplitCalibration = {
  version: 1,
  key,
  minSplitFlops: 120e6,
  points: [
    { flops: 30e6, wholeMs: 3, splitMs: 3.5 },
    { flops: 120e6, wholeMs: 12, splitMs: 8 },
  ],
  measuredAt: '2026-12-04T14:00:00.000Z',
};

describe('split calibration store', () => {
  it('round-trips through the data folder and leaves no temporary file', () => {
    const warnings: string[] = [];
    expect(loadSplitCalibration(dir, key, (w) => warnings.push(w))).toBeNull();
    saveSplitCalibration(dir, calibration);
    expect(loadSplitCalibration(dir, key, (w) => warnings.push(w))).toEqual(calibration);
    expect(readdirSync(dir)).toEqual([SPLIT_CALIBRATION_FILE]);
    expect(warnings).toEqual([]);
    // null (never split) survives JSON.
    saveSplitCalibration(dir, { ...calibration, minSplitFlops: null });
    expect(loadSplitCalibration(dir, key)?.minSplitFlops).toBeNull();
  });

  it('is not used for another CPU, core count or engine version (so it is measured again)', () => {
    saveSplitCalibration(dir, calibration);
    const warnings: string[] = [];
    const warn = (w: string) => warnings.push(w);
    expect(loadSplitCalibration(dir, { ...key, cores: 4 }, warn)).toBeNull();
    expect(loadSplitCalibration(dir, { ...key, cpuModel: 'Other CPU' }, warn)).toBeNull();
    expect(loadSplitCalibration(dir, { ...key, engineVersion: 'split-2' }, warn)).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('ignores a corrupt or invalid file with a warning naming it and the field, and a save replaces it', () => {
    const path = join(dir, SPLIT_CALIBRATION_FILE);
    const warnings: string[] = [];
    const warn = (w: string) => warnings.push(w);
    writeFileSync(path, '{"version": 1, "key": {');
    expect(loadSplitCalibration(dir, key, warn)).toBeNull();
    expect(warnings[0]).toContain(path);
    expect(warnings[0]).toContain('not JSON');
    writeFileSync(path, JSON.stringify({ ...calibration, minSplitFlops: -5 }));
    expect(loadSplitCalibration(dir, key, warn)).toBeNull();
    expect(warnings[1]).toContain("'minSplitFlops'");
    saveSplitCalibration(dir, calibration);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(calibration);
    expect(loadSplitCalibration(dir, key, warn)).toEqual(calibration);
  });

  it('refuses to store an invalid calibration and keeps the stored one', () => {
    saveSplitCalibration(dir, calibration);
    expect(() => saveSplitCalibration(dir, { ...calibration, points: [{ flops: 0, wholeMs: 1, splitMs: 1 }] })).toThrow();
    expect(loadSplitCalibration(dir, key)).toEqual(calibration);
  });
});
