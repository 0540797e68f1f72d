import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DamagedDatabaseError, newestBackup, openDatabase, RunStore } from '../../main/store/index.js';
import { makeTempDir, spiralExperiment } from './helpers.js';

const root = resolve(import.meta.dirname, '../..');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A real store with a few runs and curves, closed cleanly (so no WAL is left beside it). */
function storeWithRuns(path: string): void {
  const db = openDatabase(path);
  const runs = new RunStore(db);
  for (let r = 0; r < 6; r++) {
    const id = `run${r}`;
    runs.createRun({ id, name: id, experiment: spiralExperiment({ seed: r }), createdAt: '2025-01-01T00:00:00Z', appVersion: '0.1.0' });
    runs.appendMetrics(
      id,
      Array.from({ length: 200 }, (_, i) => ({ epoch: i + 1, step: i + 1, trainLoss: 1 / (i + 1), trainAcc: 0.5, valLoss: 0.7, valAcc: 0.6, elapsedMs: i })),
    );
  }
  db.close();
}

/** Overwrites every other page after the first two with bytes from a seeded generator. */
function scribbleOverInteriorPages(path: string, pageSize = 4096): void {
  const pages = Math.floor(statSync(path).size / pageSize);
  expect(pages).toBeGreaterThan(6);
  let state = 12345;
  const noise = Buffer.alloc(pageSize);
  const fd = openSync(path, 'r+');
  for (let page = 2; page < pages; page += 2) {
    for (let i = 0; i < pageSize; i++) noise[i] = (state = (state * 1103515245 + 12345) >>> 0) >>> 24;
    writeSync(fd, noise, 0, pageSize, page * pageSize);
  }
  closeSync(fd);
}

function refusal(path: string): DamagedDatabaseError {
  try {
    openDatabase(path).close();
  } catch (error) {
    expect(error).toBeInstanceOf(DamagedDatabaseError);
    return error as DamagedDatabaseError;
  }
  throw new Error(`${path} was opened`);
}

describe('a damaged database', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = makeTempDir()));
  afterEach(() => cleanup());

  it('is refused byte-identical, naming the file and offering its newest backup', () => {
    const path = join(dir, 'initscope.db');
    storeWithRuns(path);
    copyFileSync(path, `${path}.backup-v3`);
    copyFileSync(path, `${path}.backup-v5`);
    copyFileSync(path, `${path}.backup-v12.tmp-abc`); // a half-written copy is never offered
    scribbleOverInteriorPages(path);
    const before = sha256(path);

    const error = refusal(path);
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(`Database ${path} is damaged`);
    expect(error.message).toContain(`${path}.backup-v5`);
    expect(error.message).not.toContain('\n');
    expect(error.problems.length).toBeGreaterThan(0);
    expect(sha256(path)).toBe(before);
    // Refused again just the same: nothing was repaired or rewritten the first time.
    expect(refusal(path).problems).toEqual(error.problems);
    expect(sha256(path)).toBe(before);
    // The backup it offers opens fine and holds the runs.
    const backup = openDatabase(`${path}.backup-v5`);
    expect(new RunStore(backup).listRuns()).toHaveLength(6);
    backup.close();
  });

  it('refuses a truncated file byte-identical, saying when there is no backup', () => {
    const path = join(dir, 'cut.db');
    storeWithRuns(path);
    truncateSync(path, 1500);
    const before = sha256(path);
    const error = refusal(path);
    expect(error.backupPath).toBeNull();
    expect(error.message).toContain('No backup of it was found');
    expect(sha256(path)).toBe(before);
  });

  it('picks the highest backup version', () => {
    const path = join(dir, 'x.db');
    expect(newestBackup(path)).toBeNull();
    for (const name of ['x.db.backup-v2', 'x.db.backup-v10', 'x.db.backup-v9', 'x.db.backup-v11.tmp-1', 'y.db.backup-v99']) writeFileSync(join(dir, name), 'x');
    expect(newestBackup(path)).toBe(join(dir, 'x.db.backup-v10'));
  });

  it('is refused by the CLI with exit 1 and one line on stderr, no stack', () => {
    const path = join(dir, 'cli.db');
    storeWithRuns(path);
    scribbleOverInteriorPages(path);
    const before = sha256(path);
    for (const args of [
      ['train', 'examples/circle-relu-he.json'],
      ['runs', 'list'],
    ]) {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', '-e', "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", ...args, '--db', path],
        { cwd: root, encoding: 'utf8', timeout: 120_000 },
      );
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^initscope: Database ${path.replaceAll('/', '\\/')} is damaged \\(.+\\) and was not opened or modified\\.`)),
      ]);
    }
    expect(sha256(path)).toBe(before);
  });
});
