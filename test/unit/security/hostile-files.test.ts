import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deflatedZeros, hostileCases, LATIN1_LABELS_CSV, smallPng, type HostileCase } from './hostile-files.js';
import { startServe, type ServeChild } from './serve-child.js';

/**
 * The hostile-file matrix: every file a user might feed the importer that is malformed or built to
 * exhaust memory, uploaded to a real `initscope serve` and previewed and imported over HTTP with the
 * token. Each must be refused with a clear error naming the file and the place, while the host keeps
 * answering, its peak memory stays under 1 GB, and the dataset and run stored before are unchanged.
 */

const root = path.resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-hostile-files-'));
/** The import worker's memory limit for this host (MiB): small, so the test cannot exhaust the machine. */
const IMPORT_MEMORY_MB = 256;
const GB = 1e9;
let host: ServeChild;
let cases: HostileCase[];
let before: { datasets: unknown; runs: unknown; files: Record<string, string> };

/** sha256 of every stored dataset file. */
function storedFiles(): Record<string, string> {
  const dir = path.join(dataDir, 'datasets');
  return Object.fromEntries(
    readdirSync(dir).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(path.join(dir, f)))
        .digest('hex'),
    ]),
  );
}

/** The upload folders present now. */
function uploads(): string[] {
  try {
    return readdirSync(path.join(dataDir, 'uploads')).sort();
  } catch {
    return [];
  }
}

async function uploadAll(files: HostileCase['files']): Promise<{ source: string; entry: string }> {
  let first: { source: string; entry: string } | undefined;
  for (const file of files) {
    const answer = await host.upload(file.name, file.bytes, first?.source);
    expect(answer.ok, `upload of ${file.name}: ${JSON.stringify(answer.error)}`).toBe(true);
    first ??= answer.value as { source: string; entry: string };
  }
  return first as { source: string; entry: string };
}

/** Uploads a case's files and answers the request that names them (the folder itself for image folders). */
async function requestFor(c: HostileCase): Promise<Record<string, unknown>> {
  const { source, entry } = await uploadAll(c.files);
  return { source, ...(c.options?.format === 'images' ? {} : { entry }), ...c.options };
}

async function waitForRun(runId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const run = (await host.call('runs/get', { runId })).value as Record<string, unknown>;
    if (!['queued', 'running'].includes(run.status as string)) return run;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`run ${runId} did not end`);
}

beforeAll(async () => {
  const bomb = await deflatedZeros(1024 ** 3);
  const gzBomb = gzipSync(Buffer.alloc(600 * 1024 ** 2), { level: 1 });
  cases = hostileCases(bomb, gzBomb);
  host = await startServe(dataDir, { INITSCOPE_IMPORT_MEMORY_MB: String(IMPORT_MEMORY_MB) });
  // What is stored before the hostile files arrive: one imported dataset and one finished run.
  const good = await uploadAll([
    { name: 'good.csv', bytes: Buffer.from('x1,x2,label\n' + Array.from({ length: 40 }, (_, i) => `${i % 5},${(i * 7) % 3},${i % 2}`).join('\n')) },
  ]);
  const imported = await host.call('datasets/import', { ...good });
  expect(imported.ok, JSON.stringify(imported.error)).toBe(true);
  const experiment = {
    dataset: { builtin: 'xor', samples: 100 },
    network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activation: { name: 'softmax' } }] },
    train: { epochs: 2 },
  };
  const started = await host.call('runs/start', { experiment });
  expect(started.ok, JSON.stringify(started.error)).toBe(true);
  expect((await waitForRun((started.value as { id: string }).id)).status).toBe('completed');
  before = { datasets: (await host.call('datasets/list', {})).value, runs: (await host.call('runs/list', {})).value, files: storedFiles() };
}, 240_000);

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('hostile files through a real serve host', () => {
  it('refuses every hostile file in preview and import with the file and place named; the host keeps serving', async () => {
    for (const c of cases) {
      const request = await requestFor(c);
      const preview = await host.call('datasets/preview', request);
      expect(preview.ok, `${c.name}: preview must fail`).toBe(false);
      expect(preview.error?.code, `${c.name}: ${preview.error?.message}`).toBe('invalid_input');
      for (const pattern of c.expect) expect(preview.error?.message, c.name).toMatch(pattern);
      // Errors name the upload as the page sent it, never the host's data folder.
      expect(preview.error?.message, c.name).not.toContain(dataDir);
      const imported = await host.call('datasets/import', request);
      expect(imported.ok, `${c.name}: import must fail`).toBe(false);
      for (const pattern of c.expect) expect(imported.error?.message, c.name).toMatch(pattern);
      // The import consumed the upload: its folder is gone, the handle with it.
      expect((await host.call('datasets/preview', request)).error?.code, c.name).toBe('not_found');
      expect((await host.call('app/info', {})).ok, `${c.name}: the host still answers`).toBe(true);
    }
    expect(uploads()).toEqual([]);
    expect(host.alive()).toBe(true);
    expect(host.peakBytes(), 'host peak memory (VmHWM)').toBeLessThan(GB);
  }, 300_000);

  it('ends a worker that runs past its memory limit with a clear error, and the host keeps serving', async () => {
    // 10 million two-character cells in one header row and one data row: ~60 MB of text whose cells
    // need far more than the 256 MiB worker heap, while no single allocation is over the budget.
    const cells = Array.from({ length: 2 }, () => '10,'.repeat(10_000_000 - 1) + '1');
    const request = await requestFor({ name: 'wide', files: [{ name: 'wide.csv', bytes: Buffer.from(cells.join('\n')) }], expect: [] });
    const preview = await host.call('datasets/preview', request);
    expect(preview.ok).toBe(false);
    expect(preview.error?.message).toMatch(/wide\.csv/);
    expect(preview.error?.message).toMatch(/memory/);
    expect((await host.call('datasets/releaseSource', { source: request.source })).value).toEqual({ released: true });
    expect(uploads()).toEqual([]);
    expect((await host.call('app/info', {})).ok).toBe(true);
    expect(host.peakBytes()).toBeLessThan(GB);
  }, 240_000);

  it('keeps distinct non-UTF-8 CSV labels distinct (Latin-1), and decodes a real image folder', async () => {
    const preview = await host.call(
      'datasets/preview',
      await requestFor({ name: 'latin', files: [{ name: 'latin.csv', bytes: LATIN1_LABELS_CSV }], expect: [] }),
    );
    expect(preview.ok, JSON.stringify(preview.error)).toBe(true);
    expect(preview.value).toMatchObject({ numClasses: 2, classNames: ['è', 'é'], classCounts: [1, 2], labels: [1, 0, 1] });
    const images = await requestFor({
      name: 'imgs',
      files: [
        { name: 'dark/a.png', bytes: smallPng(3, 2, 10) },
        { name: 'light/b.png', bytes: smallPng(3, 2, 250) },
      ],
      options: { format: 'images' },
      expect: [],
    });
    const pics = await host.call('datasets/preview', images);
    expect(pics.ok, JSON.stringify(pics.error)).toBe(true);
    expect(pics.value).toMatchObject({ imageShape: [2, 3], classNames: ['dark', 'light'], images: [new Array(6).fill(10), new Array(6).fill(250)] });
    for (const source of [images.source]) await host.call('datasets/releaseSource', { source });
  });

  it('decodes a hostile test part in the worker too: the test file is named, the host keeps serving', async () => {
    const uploadsBefore = uploads();
    const good = 'x1,x2,label\n' + Array.from({ length: 40 }, (_, i) => `${i % 5},${(i * 3) % 4},${i % 2}`).join('\n') + '\n';
    const gzBomb = gzipSync(Buffer.alloc(600 * 1024 ** 2), { level: 1 });
    const train = await uploadAll([{ name: 'train.csv', bytes: Buffer.from(good) }]);
    const bomb = await uploadAll([{ name: 'test.csv.gz', bytes: gzBomb }]);
    const request = { ...train, testSource: bomb.source, testEntry: bomb.entry };
    for (const method of ['datasets/preview', 'datasets/import']) {
      const answer = await host.call(method, request);
      expect(answer.ok, method).toBe(false);
      expect(answer.error?.message, method).toMatch(/test\.csv\.gz/);
      expect(answer.error?.message, method).toMatch(/decompressed data is too large/);
      expect(answer.error?.message, method).not.toContain(dataDir);
    }
    // An MNIST-format upload whose t10k images claim 2^32−1 × 2^32−1 pixels per image.
    const claiming = Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 7]);
    const mnist = await uploadAll([
      { name: 'train-images-idx3-ubyte', bytes: Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]) },
      { name: 'train-labels-idx1-ubyte', bytes: Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 0, 1]) },
      { name: 't10k-images-idx3-ubyte', bytes: claiming },
      { name: 't10k-labels-idx1-ubyte', bytes: Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 0]) },
    ]);
    const folder = await host.call('datasets/import', { source: mnist.source });
    expect(folder.ok).toBe(false);
    expect(folder.error?.message).toMatch(/^t10k-images-idx3-ubyte/);
    expect(folder.error?.message).not.toContain(dataDir);
    expect(uploads()).toEqual(uploadsBefore); // both imports consumed their uploads
    expect((await host.call('app/info', {})).ok).toBe(true);
    expect(host.alive()).toBe(true);
    expect(host.peakBytes()).toBeLessThan(GB);
  }, 240_000);

  it('leaves the datasets and runs stored before unchanged', async () => {
    expect((await host.call('datasets/list', {})).value).toEqual(before.datasets);
    expect((await host.call('runs/list', {})).value).toEqual(before.runs);
    expect(storedFiles()).toEqual(before.files); // no new file, no temporary file left behind
    expect(host.peakBytes()).toBeLessThan(GB);
  });
});

/** Runs the CLI from its TypeScript sources (trusted: it takes paths). */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, INITSCOPE_IMPORT_MEMORY_MB: String(IMPORT_MEMORY_MB) },
  });
  return { code: result.status, stderr: result.stderr };
}

describe('hostile files through the CLI (paths)', () => {
  it('refuses a huge CSV label at once, and names the path of a symlink loop or a missing file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-hostile-cli-'));
    try {
      const db = path.join(dir, 'cli.db');
      writeFileSync(path.join(dir, 'big-label.csv'), 'a,b,label\n1,2,2147483646\n');
      const started = Date.now();
      const big = cli('datasets', 'import', path.join(dir, 'big-label.csv'), '--db', db);
      expect(big.code).toBe(2);
      expect(big.stderr).toMatch(/big-label\.csv, line 2, column 3 \('label'\): label 2147483646 is too large/);
      expect(Date.now() - started).toBeLessThan(60_000);
      symlinkSync('loop-b.npy', path.join(dir, 'loop-a.npy'));
      symlinkSync('loop-a.npy', path.join(dir, 'loop-b.npy'));
      const loop = cli('datasets', 'import', path.join(dir, 'loop-a.npy'), '--labels', path.join(dir, 'loop-b.npy'), '--db', db);
      expect(loop.code).toBe(2);
      expect(loop.stderr).toContain(path.join(dir, 'loop-a.npy'));
      expect(loop.stderr).toMatch(/symbolic link loop: too many levels of symbolic links \(ELOOP\)/);
      const missing = cli('datasets', 'import', path.join(dir, 'nope.csv'), '--db', db);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/nope\.csv: cannot read: no such file or folder \(ENOENT\)/);
      mkdirSync(path.join(dir, 'locked'));
      if (process.getuid?.() !== 0) {
        writeFileSync(path.join(dir, 'locked', 'x.csv'), 'a,label\n1,0\n', { mode: 0 });
        const locked = cli('datasets', 'import', path.join(dir, 'locked', 'x.csv'), '--db', db);
        expect(locked.stderr).toMatch(/x\.csv: cannot read the file: permission denied \(EACCES\)/);
      }
      expect(existsSync(path.join(dir, 'datasets')) ? readdirSync(path.join(dir, 'datasets')) : []).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
