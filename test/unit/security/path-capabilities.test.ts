import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idxBytes, randomBytesSeeded, randomLabels } from '../datasets/fixtures.js';
import { smallPng } from './hostile-files.js';
import { startServe, type ServeChild } from './serve-child.js';

/**
 * Paths are capabilities: over the HTTP API (with the token, as the page) no path outside the host's
 * uploads can be previewed or imported, no export goes outside the data folder, and uploads are deleted
 * after an import, after a cancel, and (left by a dead host) at start.
 */

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-capabilities-'));
const outside = mkdtempSync(path.join(os.tmpdir(), 'initscope-outside-'));
const uploadsDir = path.join(dataDir, 'uploads');
let host: ServeChild;

const SECRET = 'secret-first-line,not-for-the-page';
const upFolder = (hex: string) => path.join(uploadsDir, `up_${hex.padStart(16, '0')}`);
const listUploads = () => (existsSync(uploadsDir) ? readdirSync(uploadsDir).sort() : []);

beforeAll(async () => {
  writeFileSync(path.join(outside, 'secret.csv'), `${SECRET}\n1,2\n`);
  mkdirSync(path.join(outside, 'pics', 'a'), { recursive: true });
  writeFileSync(path.join(outside, 'pics', 'a', 'p.png'), smallPng(2, 2, 77));
  // Uploads left behind: by a process that has exited, without an owner file, a stray file, and one
  // owned by a live process (this test) sharing the data folder.
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number;
  for (const [hex, owner] of [
    ['aa', { pid: deadPid }],
    ['bb', null],
    ['cc', { pid: process.pid }],
  ] as const) {
    mkdirSync(upFolder(hex), { recursive: true });
    writeFileSync(path.join(upFolder(hex), 'x.csv'), 'a,label\n1,0\n');
    if (owner) writeFileSync(path.join(upFolder(hex), '.owner'), JSON.stringify(owner));
  }
  writeFileSync(path.join(uploadsDir, 'stray.csv'), 'x');
  host = await startServe(dataDir);
}, 120_000);

afterAll(async () => {
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('paths are capabilities (browser mode, over HTTP with the token)', () => {
  it('deletes uploads of dead hosts at start and keeps a live host’s', () => {
    expect(listUploads()).toEqual([path.basename(upFolder('cc'))]);
  });

  it('refuses every host path from the page, without revealing whether it exists or what it holds', async () => {
    const answers = [];
    for (const method of ['datasets/preview', 'datasets/import']) {
      for (const target of [
        path.join(outside, 'secret.csv'),
        path.join(outside, 'missing.csv'),
        '/etc/passwd',
        path.join(outside, 'pics'),
        path.join(dataDir, 'initscope.db'),
      ]) {
        answers.push(await host.call(method, { path: target, format: 'csv', label: 'zz' }));
        answers.push(await host.call(method, { path: target, format: 'images' }));
      }
    }
    for (const a of answers) {
      expect(a.status).toBe(400);
      expect(a.error?.code).toBe('invalid_input');
      expect(a.error?.message).not.toMatch(/secret-first-line|root:|77/);
    }
    // Existing and missing files get the same answer.
    expect(answers[0]?.error?.message).toBe(answers[2]?.error?.message);
  });

  it('refuses forged handles and entries that leave the upload', async () => {
    const forged = [`src_${'0'.repeat(32)}`, `src_${'f'.repeat(32)}`];
    const unknown = await Promise.all(forged.map((source) => host.call('datasets/preview', { source, format: 'csv' })));
    for (const a of unknown) expect(a).toMatchObject({ status: 404, error: { code: 'not_found' } });
    expect(unknown[0]?.error?.message).toBe(unknown[1]?.error?.message);
    expect((await host.call('datasets/preview', { source: '../../etc/passwd' })).status).toBe(400);

    const { source } = (await host.upload('ok.csv', Buffer.from('a,label\n1,0\n2,1\n'))).value as { source: string };
    const rel = path.relative(path.join(uploadsDir, 'up_x'), path.join(outside, 'secret.csv'));
    for (const entry of ['../../initscope.db', rel, '/etc/passwd', '..', 'a/../../x.csv', '.owner', 'a/b/c.csv']) {
      const a = await host.call('datasets/preview', { source, entry, format: 'csv' });
      expect(a.status, entry).toBe(400);
      expect(a.error?.message, entry).not.toMatch(/secret-first-line|SQLite/);
    }
    expect((await host.call('datasets/releaseSource', { source })).value).toEqual({ released: true });
    expect((await host.call('datasets/releaseSource', { source })).value).toEqual({ released: false });
    for (const extra of [{ labelsEntry: '../../initscope.db' }, { labelsSource: forged[0] }]) {
      const upload = (await host.upload('x.npy', Buffer.from('x'))).value as { source: string };
      const a = await host.call('datasets/import', { source: upload.source, entry: 'x.npy', format: 'npy', ...extra });
      expect(a.ok).toBe(false);
      expect(a.error?.message).not.toMatch(/SQLite/);
      // A failed import consumes its upload too.
      expect((await host.call('datasets/releaseSource', { source: upload.source })).value).toEqual({ released: false });
    }
  });

  it('deletes an upload after its import, and after a cancel (release, or a cancelled import)', async () => {
    const before = listUploads();
    const { source, entry } = (await host.upload('blobs.csv', Buffer.from('x,y,label\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n5,0,0\n'))).value as {
      source: string;
      entry: string;
    };
    expect(listUploads()).toHaveLength(before.length + 1);
    const imported = await host.call('datasets/import', { source, entry });
    expect(imported.ok, JSON.stringify(imported.error)).toBe(true);
    expect(listUploads()).toEqual(before);

    const second = (await host.upload('x.npy', Buffer.from('not yet'))).value as { source: string };
    expect(listUploads()).toHaveLength(before.length + 1);
    expect((await host.call('datasets/releaseSource', { source: second.source })).value).toEqual({ released: true });
    expect(listUploads()).toEqual(before);

    // A large CSV, cancelled while the worker decodes it.
    const rows = Array.from({ length: 400_000 }, (_, i) => `${i % 97},${(i * 13) % 89},${i % 3}`).join('\n');
    const big = (await host.upload('big.csv', Buffer.from(`a,b,label\n${rows}\n`))).value as { source: string; entry: string };
    const importing = host.call('datasets/import', { ...big, importId: 'cancel-me' });
    let cancelled = false;
    for (let i = 0; i < 100 && !cancelled; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      cancelled = ((await host.call('datasets/cancelImport', { importId: 'cancel-me' })).value as { cancelled: boolean }).cancelled;
    }
    expect(cancelled).toBe(true);
    const answer = await importing;
    expect(answer).toMatchObject({ ok: false, error: { code: 'conflict', details: { cancelled: true } } });
    expect(listUploads()).toEqual(before);
    expect(readdirSync(path.join(dataDir, 'datasets'))).toHaveLength(1); // only the first import's file
  }, 120_000);

  it('writes exports only inside the data folder: no request field names an output folder', async () => {
    for (const [method, body] of [
      ['runs/export', { runId: 'run_x', format: 'tfjs', outDir: outside }],
      ['runs/export', { runId: 'run_x', format: 'tfjs', dir: outside }],
      ['runs/compareReport', { runIds: ['run_a', 'run_b'], outDir: outside }],
    ] as const) {
      const a = await host.call(method, body);
      expect(a.status, method).toBe(400);
      expect(a.error?.message).toMatch(/Unrecognized key/i);
    }
    const experiment = {
      dataset: { builtin: 'xor', samples: 100 },
      network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activation: { name: 'softmax' } }] },
      train: { epochs: 1 },
    };
    const runId = ((await host.call('runs/start', { experiment })).value as { id: string }).id;
    for (let i = 0; i < 600; i++) {
      const run = (await host.call('runs/get', { runId })).value as { status: string };
      if (!['queued', 'running'].includes(run.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const exported = await host.call('runs/export', { runId, format: 'tfjs' });
    expect(exported.ok, JSON.stringify(exported.error)).toBe(true);
    const { dir, files } = exported.value as { dir: string; files: Array<{ path: string }> };
    expect(dir.startsWith(path.join(dataDir, 'exports') + path.sep)).toBe(true);
    for (const f of files) expect(f.path.startsWith(dir + path.sep)).toBe(true);
    expect(readdirSync(outside).sort()).toEqual(['pics', 'secret.csv']);
  }, 180_000);

  it('takes a test part by handle only: test paths refused, test entries kept inside their upload, MNIST-format uploads read as one folder', async () => {
    const before = listUploads();
    const forged = `src_${'0'.repeat(32)}`;
    const table = (n: number, offset: number) =>
      'a,b,label\n' + Array.from({ length: n }, (_, i) => `${(i + offset) % 7},${(i * 3 + offset) % 5},${i % 2}`).join('\n') + '\n';
    const train = (await host.upload('train.csv', Buffer.from(table(30, 0)))).value as { source: string; entry: string };
    // Host paths for the test part are not part of the page's API at all.
    for (const extra of [{ testPath: path.join(outside, 'secret.csv') }, { testLabelsPath: '/etc/passwd' }]) {
      const a = await host.call('datasets/preview', { ...train, ...extra });
      expect(a.status, JSON.stringify(extra)).toBe(400);
      expect(a.error?.message).toMatch(/Unrecognized key/i);
    }
    // Test entries stay inside their upload; forged test handles are unknown.
    const rel = path.relative(path.join(uploadsDir, 'up_x'), path.join(outside, 'secret.csv'));
    for (const extra of [{ testEntry: '../../initscope.db' }, { testEntry: rel }, { testSource: train.source, testEntry: '.owner' }]) {
      const a = await host.call('datasets/preview', { ...train, ...extra });
      expect(a.status, JSON.stringify(extra)).toBe(400);
      expect(a.error?.message).not.toMatch(/secret-first-line|SQLite/);
    }
    for (const extra of [{ testSource: forged }, { testSource: train.source, testEntry: 'train.csv', testLabelsSource: forged }]) {
      expect(await host.call('datasets/preview', { ...train, ...extra }), JSON.stringify(extra)).toMatchObject({ status: 404, error: { code: 'not_found' } });
    }
    // A test file in an upload of its own: a bad one is named as uploaded (no host path), a good one is the test part.
    const bad = (await host.upload('other.csv', Buffer.from('x,y,label\n1,2,0\n'))).value as { source: string; entry: string };
    const refused = await host.call('datasets/preview', { ...train, testSource: bad.source, testEntry: bad.entry });
    expect(refused.error?.message).toMatch(/^other\.csv, line 1: feature column 1 is 'x', in the training data 'a'/);
    expect(refused.error?.message).not.toContain(dataDir);
    const test = (await host.upload('test.csv', Buffer.from(table(8, 3)))).value as { source: string; entry: string };
    const preview = await host.call('datasets/preview', { ...train, testSource: test.source, testEntry: test.entry });
    expect(preview.value).toMatchObject({ samples: 30, testSamples: 8 });
    const imported = await host.call('datasets/import', {
      ...train,
      testSource: test.source,
      testEntry: test.entry,
      split: { validation: 0.2, test: 0, seed: 1 },
    });
    expect(imported.ok, JSON.stringify(imported.error)).toBe(true);
    expect((imported.value as { dataset: Record<string, unknown> }).dataset).toMatchObject({
      counts: { train: 24, validation: 6, test: 8 },
      testSource: 'test.csv',
    });
    // The import consumed both uploads; the bad test file's upload is released by the page.
    expect((await host.call('datasets/releaseSource', { source: test.source })).value).toEqual({ released: false });
    expect((await host.call('datasets/releaseSource', { source: bad.source })).value).toEqual({ released: true });

    // Four MNIST-format files sent as one upload, no entry: the upload is the folder, t10k its test part.
    const files: Array<[string, Buffer]> = [
      ['train-images-idx3-ubyte', idxBytes(0x08, [20, 4, 4], randomBytesSeeded(20 * 16, 1))],
      ['train-labels-idx1-ubyte', idxBytes(0x08, [20], randomLabels(20, 3, 2))],
      ['t10k-images-idx3-ubyte', idxBytes(0x08, [6, 4, 4], randomBytesSeeded(6 * 16, 3))],
      ['t10k-labels-idx1-ubyte', idxBytes(0x08, [6], randomLabels(6, 3, 4))],
    ];
    let source: string | undefined;
    for (const [name, bytes] of files) source = ((await host.upload(name, bytes, source)).value as { source: string }).source;
    const mnistPreview = await host.call('datasets/preview', { source });
    expect(mnistPreview.value).toMatchObject({ samples: 20, testSamples: 6, inputShape: [16], imageShape: [4, 4], numClasses: 3 });
    const mnist = await host.call('datasets/import', { source, split: { validation: 0.25, test: 0, seed: 1 } });
    expect(mnist.ok, JSON.stringify(mnist.error)).toBe(true);
    expect((mnist.value as { dataset: Record<string, unknown> }).dataset).toMatchObject({
      counts: { train: 15, validation: 5, test: 6 },
      testSource: 't10k-images-idx3-ubyte',
    });
    expect(listUploads()).toEqual(before);
  }, 120_000);

  it('deletes its own uploads when it stops, keeping the live host’s', async () => {
    await host.upload('left.csv', Buffer.from('a,label\n1,0\n'));
    expect(listUploads()).toHaveLength(2);
    await host.stop();
    expect(listUploads()).toEqual([path.basename(upFolder('cc'))]);
  });
});
