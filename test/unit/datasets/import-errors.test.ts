import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { InitScopeError } from '../../../contract/index.js';
import { idxBytes, npyBytes, pngBytes, randomBytesSeeded, writeFixture } from './fixtures.js';
import { datasetFiles, importWith, makeService } from './helpers.js';

let ctx: ReturnType<typeof makeService>;
let goodId: string;
let goodFiles: string[];

beforeEach(async () => {
  ctx = makeService();
  const good = writeFixture(ctx.inputDir, 'good.csv', 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n');
  goodId = (await importWith(ctx.service, { path: good })).dataset.id as string;
  goodFiles = datasetFiles(ctx.dataDir);
});
afterEach(() => ctx.close());

let images: Buffer;
beforeAll(() => {
  images = idxBytes(0x08, [5, 2, 2], randomBytesSeeded(20, 1));
});

/** Imports `options`, expecting an invalid_input error whose message matches every pattern; then checks nothing changed. */
async function expectRefused(options: Record<string, unknown>, ...patterns: RegExp[]): Promise<void> {
  const error = await importWith(ctx.service, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InitScopeError);
  expect((error as InitScopeError).code).toBe('invalid_input');
  for (const pattern of patterns) expect((error as Error).message).toMatch(pattern);
  expect(ctx.service.listImported().map((d) => d.id)).toEqual([goodId]);
  expect(datasetFiles(ctx.dataDir)).toEqual(goodFiles);
}

describe('malformed input: a clear error naming the file and place; nothing stored; earlier datasets intact', () => {
  it('IDX with a wrong magic number', async () => {
    const bad = Buffer.from(images);
    bad[2] = 0x42;
    const file = writeFixture(ctx.inputDir, 'train-images-idx3-ubyte', bad);
    writeFixture(ctx.inputDir, 'train-labels-idx1-ubyte', idxBytes(0x08, [5], [0, 1, 2, 3, 4]));
    await expectRefused({ path: file }, /train-images-idx3-ubyte, byte 0: wrong magic number 0x00004203/);
  });

  it('truncated IDX (also gzipped)', async () => {
    const file = writeFixture(ctx.inputDir, 'train-images-idx3-ubyte.gz', images.subarray(0, images.length - 3));
    writeFixture(ctx.inputDir, 'train-labels-idx1-ubyte.gz', idxBytes(0x08, [5], [0, 1, 2, 3, 4]));
    await expectRefused({ path: file }, /train-images-idx3-ubyte\.gz, byte 33: truncated: .*5×2×2 uint8 values \(36 bytes\).* 33 bytes/);
  });

  it('a truncated gzip stream', async () => {
    const full = writeFixture(ctx.inputDir, 'tmp/x-images-idx3-ubyte.gz', images);
    const { readFileSync } = await import('node:fs');
    const cut = writeFixture(ctx.inputDir, 'cut-images-idx3-ubyte.gz', Buffer.alloc(0));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cut, readFileSync(full).subarray(0, 20));
    await expectRefused({ path: cut, labelsPath: full }, /cut-images-idx3-ubyte\.gz: not a valid gzip file/);
  });

  it('image/label count mismatch', async () => {
    const file = writeFixture(ctx.inputDir, 't10k-images-idx3-ubyte', images);
    writeFixture(ctx.inputDir, 't10k-labels-idx1-ubyte', idxBytes(0x08, [4], [0, 1, 2, 3]));
    await expectRefused({ path: file }, /t10k-labels-idx1-ubyte, byte 4: holds 4 labels but t10k-images-idx3-ubyte holds 5 images/);
  });

  it('IDX label outside the class range', async () => {
    const file = writeFixture(ctx.inputDir, 'c-images-idx3-ubyte', images);
    writeFixture(ctx.inputDir, 'c-labels-idx1-ubyte', idxBytes(0x08, [5], [0, 1, 12, 3, 4]));
    await expectRefused({ path: file, classes: 10 }, /c-labels-idx1-ubyte, item 2 \(byte 10\): label 12 is outside the class range \[0, 10\)/);
  });

  it('ragged CSV rows', async () => {
    const file = writeFixture(ctx.inputDir, 'ragged.csv', 'a,b,label\n1,2,0\n3,1\n5,6,1\n');
    await expectRefused({ path: file }, /ragged\.csv, line 3: 2 cells, expected 3/);
  });

  it('CSV: missing and non-numeric cells name line and column', async () => {
    const missing = writeFixture(ctx.inputDir, 'missing.csv', 'a,b,label\n1,2,0\n3,,1\n');
    await expectRefused({ path: missing }, /missing\.csv, line 3, column 2 \('b'\): missing value/);
    const text = writeFixture(ctx.inputDir, 'text.csv', 'a,b,label\n1,2,0\n3,4,1\n5,abc,1\n');
    await expectRefused({ path: text }, /text\.csv, line 4, column 2 \('b'\): 'abc' is not a number/);
  });

  it('CSV label outside the class range', async () => {
    const file = writeFixture(ctx.inputDir, 'range.csv', 'x,label\n0.5,0\n0.1,2\n0.7,5\n');
    await expectRefused({ path: file, classes: 3 }, /range\.csv, line 4, column 2 \('label'\): label 5 is outside the class range \[0, 3\)/);
  });

  it('an unreadable image', async () => {
    const folder = path.join(ctx.inputDir, 'imgs');
    writeFixture(folder, 'cat/a.png', pngBytes(2, 2, [1, 2, 3, 4]));
    writeFixture(folder, 'dog/b.png', Buffer.from('this is not a png'));
    await expectRefused({ path: folder }, /imgs\/dog\/b\.png: unreadable image/);
    const broken = pngBytes(2, 2, [1, 2, 3, 4]).subarray(0, 40);
    writeFixture(folder, 'dog/b.png', broken);
    await expectRefused({ path: folder }, /dog\/b\.png: unreadable image/);
  });

  it('an empty folder, and a class folder with no images', async () => {
    const empty = path.join(ctx.inputDir, 'empty');
    mkdirSync(empty, { recursive: true });
    await expectRefused({ path: empty }, /empty: the folder is empty: expected one sub-folder of PNG\/JPEG images per class/);
    mkdirSync(path.join(empty, 'cls'));
    await expectRefused({ path: empty }, /empty\/cls: the class folder 'cls' holds no PNG or JPEG images/);
  });

  it('a .npy of an unsupported dtype', async () => {
    const file = writeFixture(ctx.inputDir, 'x.npy', npyBytes('<c16', [2, 1], [1, 2]));
    writeFixture(ctx.inputDir, 'y.npy', npyBytes('<i8', [2], [0, 1]));
    await expectRefused({ path: file }, /x\.npy, header field 'descr': unsupported dtype '<c16'/);
  });

  it('a .npy whose labels do not match its samples, and one without a magic string', async () => {
    const file = writeFixture(ctx.inputDir, 'features.npy', npyBytes('<f4', [3, 2], [1, 2, 3, 4, 5, 6]));
    writeFixture(ctx.inputDir, 'labels.npy', npyBytes('<i8', [2], [0, 1]));
    await expectRefused({ path: file }, /labels\.npy, header field 'shape': holds 2 labels but the features hold 3 samples/);
    const junk = writeFixture(ctx.inputDir, 'junk.npy', Buffer.from('not numpy at all'));
    await expectRefused({ path: junk, labelsPath: file }, /junk\.npy, byte 0: not a \.npy file/);
  });

  it('a file that is not there', async () => {
    await expectRefused({ path: path.join(ctx.inputDir, 'nope.csv') }, /nope\.csv: cannot read: no such file or folder \(ENOENT\)/);
  });
});
