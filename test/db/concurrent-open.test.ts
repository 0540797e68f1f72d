import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listMigrationFiles, defaultMigrationsDir } from '../../main/store/index.js';
import { makeTempDir } from './helpers.js';

const fixture = join(import.meta.dirname, 'fixtures', 'open-at.ts');
const LATEST = listMigrationFiles(defaultMigrationsDir()).length;

/** Runs the fixture in a child process; resolves to the JSON line it printed. */
function openInChild(path: string, at: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, path, String(at)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as Record<string, unknown>) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

describe('several processes opening one new database at the same moment', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = makeTempDir()));
  afterEach(() => cleanup());

  it('lets one migrate while the others wait, and all open the migrated file', async () => {
    const path = join(dir, 'new.db');
    // Far enough ahead for every child to have loaded (tsx) and be waiting on the clock.
    const at = Date.now() + 4000;
    const results = await Promise.all([1, 2, 3, 4].map(() => openInChild(path, at)));
    expect(results).toEqual(Array(4).fill({ version: LATEST, journal: 'wal' }));
    // A new database holds nothing worth backing up: no backup and no stray temporary files.
    expect(readdirSync(dir).filter((name) => name.includes('backup'))).toEqual([]);
    expect(existsSync(path)).toBe(true);
  });
});
