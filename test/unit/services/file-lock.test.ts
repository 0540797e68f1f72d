import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockFile, tryLockFile } from '../../../main/services/file-lock.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'initscope-lock-'));
  path = join(dir, 'x.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited (so no process has it, barring reuse within the test). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

/** Sets the file's modification time `ageMs` in the past. */
function age(file: string, ageMs: number): void {
  const t = new Date(Date.now() - ageMs);
  utimesSync(file, t, t);
}

describe('lock file', () => {
  it('is held by one taker at a time and freed by release (which removes only its own file)', () => {
    const a = tryLockFile(path);
    expect(a).not.toBeNull();
    expect(tryLockFile(path)).toBeNull();
    a?.release();
    expect(readdirSync(dir)).toEqual([]);
    const b = tryLockFile(path);
    expect(b).not.toBeNull();
    a?.release(); // a second release of an old holder must not free b's lock
    expect(tryLockFile(path)).toBeNull();
    b?.release();
  });

  it('is taken over when its holder process is gone, or when it was not touched for staleMs', () => {
    writeFileSync(path, JSON.stringify({ pid: deadPid(), host: os.hostname(), token: 't1', at: new Date().toISOString() }));
    const fromDead = tryLockFile(path);
    expect(fromDead).not.toBeNull();
    fromDead?.release();
    // A live holder on another machine: held until its file is older than staleMs.
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: 'elsewhere', token: 't2', at: new Date().toISOString() }));
    expect(tryLockFile(path, { staleMs: 60_000 })).toBeNull();
    age(path, 120_000);
    const fromStale = tryLockFile(path, { staleMs: 60_000 });
    expect(fromStale).not.toBeNull();
    fromStale?.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('treats a garbage lock file as held while fresh (a holder may be writing it) and takes it over once stale', () => {
    writeFileSync(path, '\u0000garbage{');
    expect(tryLockFile(path, { staleMs: 60_000 })).toBeNull();
    age(path, 61_000);
    const lock = tryLockFile(path, { staleMs: 60_000 });
    expect(lock).not.toBeNull();
    lock?.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps a held lock fresh (its holder touches it), and lockFile waits for a release', async () => {
    const held = tryLockFile(path, { staleMs: 200 });
    age(path, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 120)); // ≥ one touch (every 50 ms)
    expect(tryLockFile(path, { staleMs: 200 })).toBeNull();
    setTimeout(() => held?.release(), 150);
    const waited = await lockFile(path, 5000, { staleMs: 60_000, pollMs: 20 });
    expect(waited).not.toBeNull();
    waited?.release();
    expect(await lockFile(path, 0)).not.toBeNull();
  });

  it('names the file when it cannot be created', () => {
    expect(() => tryLockFile(join(dir, 'missing', 'x.lock'))).toThrow(/missing\/x\.lock: cannot create the lock file/);
  });
});
