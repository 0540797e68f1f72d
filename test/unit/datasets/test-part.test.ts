import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetImportResult, DatasetInfo, DatasetPreview } from '../../../contract/index.js';
import { loadDataset } from '../../../engine/datasets/index.js';
import { Random } from '../../../engine/random.js';
import { findMnistLayout } from '../../../main/datasets/mnist-layout.js';
import { idxBytes, npyBytes, writeFixture, writeMnistFolder } from './fixtures.js';
import { datasetFiles, importWith, makeService, storedContent } from './helpers.js';

let ctx: ReturnType<typeof makeService>;
beforeEach(() => {
  ctx = makeService();
});
afterEach(() => ctx.close());

/** Sorted rows of a [n, rowSize] array as strings (a multiset to compare parts regardless of order). */
function rowSet(values: ArrayLike<number>, labels: ArrayLike<number>, rowSize: number): string[] {
  return Array.from({ length: labels.length }, (_, i) => `${labels[i]}:${Array.from({ length: rowSize }, (_, j) => values[i * rowSize + j]).join(',')}`).sort();
}

describe('an MNIST-format folder (train + t10k IDX files) imports as one dataset', () => {
  it('train part split into train/validation, t10k stored unchanged as the test part, named after the folder', async () => {
    const folder = path.join(ctx.inputDir, 'digits-mnist');
    const digits = writeMnistFolder(folder, 500, 120, 3);
    const result = await importWith(ctx.service, { path: folder, split: { validation: 0.2, seed: 4 } });
    expect(DatasetImportResult.parse(result)).toEqual(result);
    const { dataset } = result;
    expect(DatasetInfo.parse(dataset)).toEqual(dataset);
    expect(dataset).toMatchObject({
      name: 'digits-mnist',
      format: 'idx',
      inputShape: [784],
      imageShape: [28, 28],
      numClasses: 10,
      featureDtype: 'uint8',
      counts: { train: 400, validation: 100, test: 120 },
      source: 'digits-mnist',
      testSource: 't10k-images.idx3-ubyte',
    });
    expect(dataset.description).toContain('test part from t10k-images.idx3-ubyte');
    // Class counts over every stored sample, test part included.
    const all = [...digits.train.labels, ...digits.test.labels];
    expect(dataset.classCounts).toEqual(Array.from({ length: 10 }, (_, k) => all.filter((l) => l === k).length));

    const stored = storedContent(ctx.dataDir, dataset.id as string);
    // The last 120 samples are the t10k file's, byte for byte and in its order.
    expect(Array.from(stored.labels.subarray(500))).toEqual(Array.from(digits.test.labels));
    expect(Buffer.from(stored.features.subarray(500 * 784)).equals(Buffer.from(digits.test.pixels))).toBe(true);
    // The first 500 are the train file's samples in the seeded split order (permutation by split.seed).
    const order = new Random(4).permutation(500);
    for (const i of [0, 1, 399, 400, 499]) {
      const src = order[i] as number;
      expect(stored.labels[i]).toBe(digits.train.labels[src]);
      expect(Buffer.from(stored.features.subarray(i * 784, (i + 1) * 784)).equals(Buffer.from(digits.train.pixels.subarray(src * 784, (src + 1) * 784)))).toBe(
        true,
      );
    }
    expect(rowSet(stored.features.subarray(0, 500 * 784), stored.labels.subarray(0, 500), 784)).toEqual(rowSet(digits.train.pixels, digits.train.labels, 784));

    // A worker sees train/validation as recorded and the test part apart, scaled like the rest.
    const loaded = loadDataset({ id: dataset.id as string }, { path: path.join(ctx.dataDir, 'datasets', `${dataset.id}.isds`) });
    expect(loaded.split?.train.length).toBe(400);
    expect(loaded.split?.val.length).toBe(100);
    expect(Math.max(...(loaded.split?.val ?? []))).toBe(499);
    expect(loaded.test?.y.length).toBe(120);
    expect(Array.from(loaded.test?.y ?? [])).toEqual(Array.from(digits.test.labels));
    const testX = loaded.test?.x as Float32Array;
    expect(testX.length).toBe(120 * 784);
    for (const k of [0, 5000, 120 * 784 - 1]) expect(testX[k]).toBeCloseTo((digits.test.pixels[k] as number) / 255, 6);

    // The same folder again is the same dataset.
    const again = await importWith(ctx.service, { path: folder, split: { validation: 0.2, seed: 4 } });
    expect(again).toMatchObject({ existing: true, dataset: { id: dataset.id } });
  });

  it('previews the folder with its test count, and a folder with only the train pair has no test part', async () => {
    const folder = path.join(ctx.inputDir, 'mnist');
    writeMnistFolder(folder, 60, 20);
    const preview = await ctx.service.preview({ path: folder, normalization: 'unit', split: { validation: 0.2, test: 0, seed: 1 } });
    expect(DatasetPreview.parse(preview)).toEqual(preview);
    expect(preview).toMatchObject({ format: 'idx', samples: 60, testSamples: 20, imageShape: [28, 28] });
    expect(preview.images).toHaveLength(16);

    rmSync(path.join(folder, 't10k-images.idx3-ubyte'));
    rmSync(path.join(folder, 't10k-labels-idx1-ubyte.gz'));
    const { dataset } = await importWith(ctx.service, { path: folder });
    expect(dataset.counts).toEqual({ train: 48, validation: 12, test: 0 });
    expect(dataset.testSource).toBeUndefined();
    const loaded = loadDataset({ id: dataset.id as string }, { path: path.join(ctx.dataDir, 'datasets', `${dataset.id}.isds`) });
    expect(loaded.test).toBeUndefined();
  });

  it('layout detection: plain beats .gz, test- for t10k-, and clear errors for incomplete folders', async () => {
    const folder = path.join(ctx.inputDir, 'layout');
    writeMnistFolder(folder, 30, 10);
    writeFixture(folder, 'train-labels-idx1-ubyte.gz', idxBytes(0x08, [1], [0])); // a stale twin: the plain file wins
    writeFixture(folder, 'README.txt', 'not data');
    expect(findMnistLayout(folder)).toEqual({
      trainImages: path.join(folder, 'train-images-idx3-ubyte.gz'),
      trainLabels: path.join(folder, 'train-labels-idx1-ubyte'),
      test: { images: path.join(folder, 't10k-images.idx3-ubyte'), labels: path.join(folder, 't10k-labels-idx1-ubyte.gz') },
    });
    renameSync(path.join(folder, 't10k-images.idx3-ubyte'), path.join(folder, 'test-images-idx3-ubyte'));
    expect(findMnistLayout(folder)?.test?.images).toBe(path.join(folder, 'test-images-idx3-ubyte'));
    expect(findMnistLayout(path.join(folder, 'README.txt'))).toBeUndefined();
    expect(findMnistLayout(ctx.inputDir)).toBeUndefined();

    rmSync(path.join(folder, 't10k-labels-idx1-ubyte.gz'));
    await expect(importWith(ctx.service, { path: folder })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/layout: holds half of the MNIST test pair: t10k-labels-idx1-ubyte\[\.gz\] is missing/),
    });
    rmSync(path.join(folder, 'train-labels-idx1-ubyte'));
    rmSync(path.join(folder, 'train-labels-idx1-ubyte.gz'));
    await expect(importWith(ctx.service, { path: folder })).rejects.toMatchObject({
      message: expect.stringMatching(/layout: looks like an MNIST-format folder but train-labels-idx1-ubyte\[\.gz\] is missing/),
    });
    expect(datasetFiles(ctx.dataDir)).toEqual([]);
  });

  it('refuses a test fraction or --test-file on top of the t10k pair, and a t10k part of another shape', async () => {
    const folder = path.join(ctx.inputDir, 'mnist');
    writeMnistFolder(folder, 40, 10);
    await expect(importWith(ctx.service, { path: folder, split: { validation: 0.2, test: 0.1 } })).rejects.toMatchObject({
      message: expect.stringMatching(/t10k-images\.idx3-ubyte: is the test part already, so a test fraction \(--test 0\.1\) cannot be reserved/),
    });
    await expect(importWith(ctx.service, { path: folder, testPath: path.join(folder, 'train-images-idx3-ubyte.gz') })).rejects.toMatchObject({
      message: expect.stringMatching(/--test-file applies to single files/),
    });
    writeFixture(folder, 't10k-images.idx3-ubyte', idxBytes(0x08, [10, 14, 14], new Uint8Array(10 * 196)));
    await expect(importWith(ctx.service, { path: folder })).rejects.toMatchObject({
      message: expect.stringMatching(/t10k-images\.idx3-ubyte: has 196 values per sample, the training data 784/),
    });
    expect(existsSync(path.join(ctx.dataDir, 'datasets')) ? datasetFiles(ctx.dataDir) : []).toEqual([]);
  });
});

describe('a separate test file (--test-file) for CSV and NPY', () => {
  it("CSV: category labels map to the training file's classes, whatever order the test file lists them in", async () => {
    const rng = new Random(8);
    const names = ['setosa', 'versicolor', 'virginica'];
    const row = (k: number) => `${rng.normal(k, 0.3).toFixed(3)},${rng.normal(-k, 0.3).toFixed(3)},${names[k]}`;
    const train = writeFixture(ctx.inputDir, 'iris-train.csv', ['a,b,species', ...Array.from({ length: 30 }, (_, i) => row(i % 3))].join('\n'));
    const testRows = [row(2), row(2), row(1), row(2), row(1)]; // no setosa, virginica first: its own sorted names would be [versicolor, virginica]
    const test = writeFixture(ctx.inputDir, 'iris-test.csv', ['a,b,species', ...testRows].join('\n'));
    const { dataset, numericHeader } = await importWith(ctx.service, { path: train, testPath: test, split: { validation: 0.2, seed: 2 } });
    expect(numericHeader).toBeUndefined();
    expect(dataset).toMatchObject({ name: 'iris-train', classNames: names, counts: { train: 24, validation: 6, test: 5 }, testSource: 'iris-test.csv' });
    const stored = storedContent(ctx.dataDir, dataset.id as string);
    expect(Array.from(stored.labels.subarray(30))).toEqual([2, 2, 1, 2, 1]);
    expect(Array.from(stored.features.subarray(60))).toEqual(
      testRows.flatMap((r) =>
        r
          .split(',')
          .slice(0, 2)
          .map((v) => Math.fround(Number(v))),
      ),
    );

    const unknown = writeFixture(ctx.inputDir, 'iris-odd.csv', ['a,b,species', row(1), '0.1,0.2,rose'].join('\n'));
    await expect(importWith(ctx.service, { path: train, testPath: unknown })).rejects.toMatchObject({
      message: expect.stringMatching(/iris-odd\.csv, data row 2: label 'rose' does not occur in the training data \(classes: setosa, versicolor, virginica\)/),
    });
    const renamed = writeFixture(ctx.inputDir, 'iris-cols.csv', ['a,c,species', row(1)].join('\n'));
    await expect(importWith(ctx.service, { path: train, testPath: renamed })).rejects.toMatchObject({
      message: expect.stringMatching(/iris-cols\.csv, line 1: feature column 2 is 'c', in the training data 'b'/),
    });
  });

  it('NPY: x_test.npy finds y_test.npy by name; float test features with uint8 training features store as float32', async () => {
    const x = writeFixture(ctx.inputDir, 'x_train.npy', npyBytes('|u1', [6, 2], [0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]));
    writeFixture(ctx.inputDir, 'y_train.npy', npyBytes('<i8', [6], [0, 1, 0, 1, 0, 1]));
    const xTest = writeFixture(ctx.inputDir, 'x_test.npy', npyBytes('<f4', [2, 2], [0.5, 127.5, 255, 0]));
    writeFixture(ctx.inputDir, 'y_test.npy', npyBytes('<i8', [2], [1, 0]));
    const { dataset } = await importWith(ctx.service, { path: x, testPath: xTest, split: { validation: 1 / 3, seed: 1 } });
    expect(dataset).toMatchObject({ featureDtype: 'float32', counts: { train: 4, validation: 2, test: 2 }, testSource: 'x_test.npy' });
    const stored = storedContent(ctx.dataDir, dataset.id as string);
    expect(Array.from(stored.features.subarray(12))).toEqual([0.5, 127.5, 255, 0]);
    expect(Array.from(stored.labels.subarray(6))).toEqual([1, 0]);
    const noLabels = writeFixture(ctx.inputDir, 'other/features.npy', npyBytes('<f4', [1, 2], [1, 2]));
    await expect(importWith(ctx.service, { path: x, testPath: noLabels })).rejects.toMatchObject({
      message: expect.stringMatching(/features\.npy: no labels file found next to it/),
    });
  });
});

describe('a CSV whose first line is not a header of names', () => {
  it("reports numeric-looking header cells (scikit-learn's iris count line) in the preview and the import result", async () => {
    const lines = ['150,4,setosa,versicolor,virginica', '5.1,3.5,1.4,0.2,0', '7.0,3.2,4.7,1.4,1', '6.3,3.3,6.0,2.5,2', '4.9,3.0,1.4,0.2,0'];
    const file = writeFixture(ctx.inputDir, 'iris.csv', lines.join('\n'));
    const options = { path: file, normalization: 'unit' as const, split: { validation: 0.25, test: 0, seed: 1 } };
    const preview = await ctx.service.preview(options);
    expect(preview.columns).toEqual(['150', '4', 'setosa', 'versicolor']);
    expect(preview.numericHeader).toEqual(['150', '4']);
    const result = await importWith(ctx.service, options);
    expect(result.numericHeader).toEqual(['150', '4']);
    expect(result.dataset.counts).toEqual({ train: 3, validation: 1, test: 0 });
  });

  it("says nothing for names, or for pandas' positional names 0, 1, 2, …", async () => {
    const named = writeFixture(ctx.inputDir, 'named.csv', 'x1,x2,label\n1,2,0\n3,4,1\n5,6,0\n');
    const positional = writeFixture(ctx.inputDir, 'pandas.csv', '0,1,2,label\n1,2,3,0\n3,4,5,1\n5,6,7,0\n');
    for (const file of [named, positional]) {
      const preview = await ctx.service.preview({ path: file, normalization: 'unit', split: { validation: 0.25, test: 0, seed: 1 } });
      expect(preview.numericHeader, file).toBeUndefined();
    }
    mkdirSync(path.join(ctx.inputDir, 'x'), { recursive: true });
    writeFileSync(path.join(ctx.inputDir, 'x', 'shifted.csv'), '1,2,label\n1,2,0\n3,4,1\n');
    const shifted = await ctx.service.preview({
      path: path.join(ctx.inputDir, 'x', 'shifted.csv'),
      normalization: 'unit',
      split: { validation: 0.5, test: 0, seed: 1 },
    });
    expect(shifted.numericHeader).toEqual(['1', '2']);
  });
});
