import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Random } from '../../../engine/random.js';
import { npyBytes } from './fixtures.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-ds-cli-'));
const db = path.join(dir, 'cli.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI from its TypeScript sources in a child process, as `npx initscope …` would. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, INITSCOPE_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Two Gaussian blobs in 3-D, classes 'left'/'right' in a `side` column. */
function writeBlobs(file: string): void {
  const rng = new Random(4);
  const lines = ['side,f1,f2,f3'];
  for (let i = 0; i < 200; i++) {
    const c = i % 2 === 0 ? -1 : 1;
    lines.push([c < 0 ? 'left' : 'right', rng.normal(c, 0.4), rng.normal(c, 0.4), rng.normal(0, 1)].join(','));
  }
  writeFileSync(file, lines.join('\n'));
}

function experimentFile(name: string, dataset: unknown, inputShape: number[]): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      dataset,
      network: {
        inputShape,
        layers: [
          { type: 'dense', units: 8, activation: { name: 'tanh' } },
          { type: 'dense', units: 2, activation: { name: 'softmax' } },
        ],
      },
      train: { epochs: 5, optimizer: { name: 'adam', learningRate: 0.05 } },
    }),
  );
  return file;
}

describe('initscope datasets', () => {
  it('imports a CSV, lists it, and trains an experiment that names it by id', () => {
    const csv = path.join(dir, 'blobs.csv');
    writeBlobs(csv);
    const imported = cli('datasets', 'import', csv, '--format', 'csv', '--label', 'side', '--json', '--db', db, '--normalize', 'standardize');
    expect(imported.code, imported.stderr).toBe(0);
    const info = JSON.parse(imported.stdout);
    expect(Object.keys(info).slice(0, 5)).toEqual(['id', 'name', 'inputShape', 'numClasses', 'counts']);
    expect(info).toMatchObject({
      name: 'blobs',
      inputShape: [3],
      numClasses: 2,
      counts: { train: 160, validation: 40, test: 0 },
      classNames: ['left', 'right'],
      existing: false,
    });

    const listed = cli('datasets', 'list', '--json', '--db', db);
    expect(listed.code).toBe(0);
    const list = JSON.parse(listed.stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: info.id, name: 'blobs', inputShape: [3], numClasses: 2, counts: info.counts });

    const trained = cli('train', experimentFile('by-id.json', { id: info.id }, [3]), '--json', '--db', db);
    expect(trained.code, trained.stderr).toBe(0);
    const events = trained.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'started', trainSamples: 160, valSamples: 40 });
    expect(events.at(-1).type).toBe('finished');
    expect(events.at(-1).metrics.valAcc).toBeGreaterThan(0.9);

    const mismatch = cli('train', experimentFile('bad-shape.json', { id: info.id }, [2]), '--json', '--db', db);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(`network.inputShape: input shape [2] does not match the dataset ${info.id}'s sample shape [3]`);
  }, 120_000);

  it('--test-file and --test-labels take paths (registered as handles by the CLI) and store the test part; a bad test file is named', () => {
    const rng = new Random(9);
    const features = (n: number) =>
      npyBytes(
        '<f4',
        [n, 3],
        Array.from({ length: 3 * n }, () => rng.normal(0, 1)),
      );
    const labels = (n: number) =>
      npyBytes(
        '<i4',
        [n],
        Array.from({ length: n }, (_, i) => i % 2),
      );
    writeFileSync(path.join(dir, 'x_train.npy'), features(40));
    writeFileSync(path.join(dir, 'y_train.npy'), labels(40));
    writeFileSync(path.join(dir, 'x_test.npy'), features(12));
    writeFileSync(path.join(dir, 'answers.npy'), labels(12)); // not findable by name: needs --test-labels
    const args = [
      'datasets',
      'import',
      path.join(dir, 'x_train.npy'),
      '--test-file',
      path.join(dir, 'x_test.npy'),
      '--validation',
      '0.25',
      '--json',
      '--db',
      db,
    ];
    const missing = cli(...args);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('x_test.npy');
    const imported = cli(...args, '--test-labels', path.join(dir, 'answers.npy'));
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ inputShape: [3], numClasses: 2, counts: { train: 30, validation: 10, test: 12 }, existing: false });
    writeFileSync(path.join(dir, 'x_wide.npy'), npyBytes('<f4', [12, 4], new Array(48).fill(0)));
    const wide = cli(
      'datasets',
      'import',
      path.join(dir, 'x_train.npy'),
      '--test-file',
      path.join(dir, 'x_wide.npy'),
      '--test-labels',
      path.join(dir, 'answers.npy'),
      '--db',
      db,
    );
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/x_wide\.npy: has 4 values per sample, the training data 3/);
  }, 120_000);

  it('refuses an unknown dataset id and a malformed file with clear messages', () => {
    const unknown = cli('train', experimentFile('unknown.json', { id: 'ds_0123456789abcdef' }, [3]), '--db', db);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No dataset with id ds_0123456789abcdef/);
    const ragged = path.join(dir, 'ragged.csv');
    writeFileSync(ragged, 'a,b,label\n1,2,0\n1,0\n');
    const bad = cli('datasets', 'import', ragged, '--db', db);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ragged\.csv, line 3: 2 cells, expected 3/);
  }, 60_000);
});
