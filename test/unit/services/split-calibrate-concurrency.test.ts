import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SPLIT_CALIBRATION_LOCK } from '../../../main/services/split-calibrate.js';
import { loadSplitCalibration, SPLIT_CALIBRATION_FILE } from '../../../main/services/split-calibration-store.js';

const fixture = join(import.meta.dirname, 'fixtures', 'calibrate-once.ts');
const key = { cpuModel: 'Fixture CPU', cores: 2, engineVersion: 'split-1' };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'initscope-calib-race-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the fixture; `lines` collects its stdout lines, `done` resolves to its exit code. */
function start(at: number, measureMs: number): { child: ChildProcess; lines: string[]; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, String(at), String(measureMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffer = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(err);
      resolve(code);
    }),
  );
  return { child, lines, done };
}

const measuredBy = (): string[] => (existsSync(join(dir, 'measured.log')) ? readFileSync(join(dir, 'measured.log'), 'utf8').trim().split('\n') : []);

describe('split calibration under concurrency (several processes on one data folder)', () => {
  it('is measured by exactly one process; the others wait and read the file it stored', async () => {
    // Far enough ahead for every child to have loaded tsx and be waiting on the clock.
    const at = Date.now() + 4000;
    const children = [1, 2, 3, 4].map(() => start(at, 1500));
    expect(await Promise.all(children.map((c) => c.done))).toEqual([0, 0, 0, 0]);
    const results = children.map((c) => JSON.parse(c.lines.at(-1) as string) as { pid: number; measured: boolean; minSplitFlops: number });
    expect(measuredBy()).toHaveLength(1);
    const measurer = Number(measuredBy()[0]);
    expect(results.filter((r) => r.measured).map((r) => r.pid)).toEqual([measurer]);
    // Every process uses the one stored calibration (its threshold carries the measurer's pid).
    expect(new Set(results.map((r) => r.minSplitFlops))).toEqual(new Set([1e8 + measurer]));
    expect(loadSplitCalibration(dir, key)?.minSplitFlops).toBe(1e8 + measurer);
    // No lock or temporary file is left behind.
    expect(readdirSync(dir).sort()).toEqual(['measured.log', SPLIT_CALIBRATION_FILE]);
  }, 60_000);

  it('a process killed while measuring leaves no lock that blocks: the next one measures and stores', async () => {
    const victim = start(Date.now(), 60_000);
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (victim.lines.includes('measuring')) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
      setTimeout(() => reject(new Error('the fixture never started measuring')), 30_000).unref();
    });
    expect(existsSync(join(dir, SPLIT_CALIBRATION_LOCK))).toBe(true);
    victim.child.kill('SIGKILL');
    await victim.done;
    // The lock file is still there, but its holder is gone (same machine, pid dead): taken over at once.
    expect(existsSync(join(dir, SPLIT_CALIBRATION_LOCK))).toBe(true);
    const next = start(Date.now(), 50);
    expect(await next.done).toBe(0);
    const result = JSON.parse(next.lines.at(-1) as string) as { pid: number; measured: boolean };
    expect(result.measured).toBe(true);
    expect(measuredBy()).toEqual([String(victim.child.pid), String(result.pid)]);
    expect(loadSplitCalibration(dir, key)?.minSplitFlops).toBe(1e8 + result.pid);
    expect(existsSync(join(dir, SPLIT_CALIBRATION_LOCK))).toBe(false);
  }, 60_000);
});
