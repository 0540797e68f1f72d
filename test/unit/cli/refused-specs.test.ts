import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-cli-refused-'));
const db = path.join(dir, 'refused.db');

/** Runs the CLI from its TypeScript sources in a child process, as `npx initscope …` would. */
function cli(...args: string[]) {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, INITSCOPE_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (performance.now() - started) / 1000 };
}

function file(name: string, value: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
}

const dense = (units: number, activation = 'relu') => ({ type: 'dense', units, activation: { name: activation } });
const experiment = (layers: unknown[], train: Record<string, unknown> = { epochs: 1 }) => ({
  dataset: { builtin: 'spiral', samples: 100 },
  network: { inputShape: [2], layers },
  train,
});

/** Rows in the runs and sweeps tables (0 when the CLI never created the database). */
function storedCounts(): { runs: number; sweeps: number } {
  if (!existsSync(db)) return { runs: 0, sweeps: 0 };
  const handle = new Database(db, { readonly: true });
  try {
    const count = (table: string) => (handle.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { runs: count('runs'), sweeps: count('sweeps') };
  } finally {
    handle.close();
  }
}

describe('experiments refused before anything runs', () => {
  it('exits 2 on an unknown key, naming its path and the closest known key', () => {
    const { code, stderr, stdout } = cli('train', file('typo.json', experiment([dense(2, 'softmax')], { epochz: 3 })), '--db', db, '--json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('typo.json');
    expect(stderr).toContain('train.epochz: unknown key (did you mean `epochs`?)');
  });

  it('exits 2 on output units that do not fit the classes, naming the field, and stores nothing', () => {
    const { code, stderr, stdout } = cli('train', file('units.json', experiment([dense(8), dense(3, 'softmax')])), '--db', db, '--json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('network.layers.1.units (dense): has 3 units but sparseCategoricalCrossentropy needs one per class (2)');
    expect(storedCounts()).toEqual({ runs: 0, sweeps: 0 });
  });

  it('refuses the 2×32768-unit network quickly with the estimate and the limit, storing nothing', () => {
    const { code, stderr, seconds } = cli('train', file('huge.json', experiment([dense(32768), dense(32768), dense(2, 'softmax')])), '--db', db);
    expect(code).toBe(2);
    expect(stderr).toMatch(/network: training needs an estimated 16\.1 GiB .* over the limit of 1\.50 GiB/);
    expect(seconds).toBeLessThan(30); // tsx start-up included; the network itself is never allocated
    expect(storedCounts()).toEqual({ runs: 0, sweeps: 0 });
  });

  it('checks every run a sweep expands to, naming the run, and stores no sweep', () => {
    const sweep = {
      name: 'depths',
      base: experiment([dense(8, 'tanh'), { type: 'reshape', targetShape: [2, 2, 2] }, dense(2, 'softmax')]),
      axes: { activation: [{ name: 'tanh' }, { name: 'relu' }] },
    };
    const { code, stderr } = cli('sweep', file('sweep.json', sweep), '--db', db, '--json');
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /Invalid sweep run "depths · activation=tanh · seed=1": network\.layers\.2 \(dense\): expects a flat input of rank 1, got shape \[2, 2, 2\] \(add a flatten layer before it\)/,
    );
    expect(storedCounts()).toEqual({ runs: 0, sweeps: 0 });
  });
});
