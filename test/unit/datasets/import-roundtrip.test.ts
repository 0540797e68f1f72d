import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { DatasetInfo } from '../../../contract/index.js';
import { loadDataset } from '../../../engine/datasets/index.js';
import { Random } from '../../../engine/random.js';
import { idxBytes, npyBytes, pngBytes, randomBytesSeeded, randomLabels, writeFixture, zipBytes } from './fixtures.js';
import { datasetFiles, importWith, makeService, storedContent } from './helpers.js';

let ctx: ReturnType<typeof makeService>;
beforeEach(() => {
  ctx = makeService();
});
afterEach(() => ctx.close());

/** Checks stored sample i equals source sample order[i] (order = the seeded split permutation), value by value. */
function expectStoredInSplitOrder(
  stored: { features: ArrayLike<number>; labels: ArrayLike<number> },
  source: { features: ArrayLike<number>; labels: ArrayLike<number> },
  rowSize: number,
  seed: number,
  map: (v: number) => number = (v) => v,
): void {
  const n = source.labels.length;
  const order = new Random(seed).permutation(n);
  expect(new Set(order).size).toBe(n);
  for (let i = 0; i < n; i++) {
    const src = order[i] as number;
    expect(stored.labels[i]).toBe(source.labels[src]);
    for (let j = 0; j < rowSize; j++) expect(stored.features[i * rowSize + j]).toBe(map(source.features[src * rowSize + j] as number));
  }
}

describe('import round trips (every value and label checked)', () => {
  it('IDX (.gz images, raw labels): uint8 stays uint8, split recorded, worker loads [0, 1] values', async () => {
    const n = 60;
    const pixels = randomBytesSeeded(n * 4 * 3, 11);
    const labels = randomLabels(n, 10, 12);
    const images = writeFixture(ctx.inputDir, 'train-images-idx3-ubyte.gz', idxBytes(0x08, [n, 4, 3], pixels));
    writeFixture(ctx.inputDir, 'train-labels-idx1-ubyte', idxBytes(0x08, [n], labels));
    const { dataset, existing } = await importWith(ctx.service, { path: images, split: { validation: 0.2, test: 0.1, seed: 5 } });
    expect(existing).toBe(false);
    expect(DatasetInfo.parse(dataset)).toEqual(dataset);
    expect(dataset).toMatchObject({ format: 'idx', inputShape: [12], imageShape: [4, 3], numClasses: 10, featureDtype: 'uint8', normalization: 'unit' });
    expect(dataset.counts).toEqual({ train: 42, validation: 12, test: 6 });
    expect(dataset.classCounts).toEqual(Array.from({ length: 10 }, (_, k) => labels.filter((l) => l === k).length));
    expect(dataset.id).toBe(`ds_${dataset.contentHash?.slice(0, 16)}`);
    const stored = storedContent(ctx.dataDir, dataset.id as string);
    expect(stored.features).toBeInstanceOf(Uint8Array);
    expectStoredInSplitOrder(stored, { features: pixels, labels }, 12, 5);

    const loaded = loadDataset({ id: dataset.id as string }, { path: path.join(ctx.dataDir, 'datasets', `${dataset.id}.isds`) });
    expect(loaded.split?.train.length).toBe(42);
    expect(Array.from(loaded.split?.val ?? [])).toEqual(Array.from({ length: 12 }, (_, i) => 42 + i));
    for (let i = 0; i < loaded.x.length; i++) expect(loaded.x[i]).toBeCloseTo((stored.features[i] as number) / 255, 6);
  });

  it('CSV: numeric features, categorical labels (sorted class names), a chosen label column', async () => {
    const rng = new Random(3);
    const names = ['setosa', 'versicolor', 'virginica'];
    const rows = Array.from({ length: 30 }, (_, i) => [rng.normal(0, 2), rng.uniform(-1, 1), names[(i * 7) % 3] as string] as const);
    const text = ['width,species,height', ...rows.map(([a, b, c]) => `${a},${c},${b}`)].join('\r\n') + '\r\n';
    const file = writeFixture(ctx.inputDir, 'iris.csv', text);
    const { dataset } = await importWith(ctx.service, { path: file, label: 'species', normalization: 'none', split: { validation: 0.3, seed: 9 } });
    expect(dataset).toMatchObject({ format: 'csv', inputShape: [2], numClasses: 3, classNames: names, featureDtype: 'float32', name: 'iris' });
    const stored = storedContent(ctx.dataDir, dataset.id as string);
    const features = rows.flatMap(([a, b]) => [a, b]);
    const labels = rows.map(([, , c]) => names.indexOf(c));
    expectStoredInSplitOrder(stored, { features, labels }, 2, 9, Math.fround);
  });

  it('TSV with integer labels in the last column', async () => {
    const file = writeFixture(ctx.inputDir, 'small.tsv', 'a\tb\tlabel\n1\t2\t0\n3\t4.5\t2\n-1\t0\t1\n');
    const { dataset } = await importWith(ctx.service, { path: file, normalization: 'none', split: { validation: 0, seed: 1 } });
    expect(dataset).toMatchObject({ numClasses: 3, inputShape: [2] });
    expectStoredInSplitOrder(storedContent(ctx.dataDir, dataset.id as string), { features: [1, 2, 3, 4.5, -1, 0], labels: [0, 2, 1] }, 2, 1);
  });

  it('PNG folder: one class per sorted sub-folder, greyscale bytes kept exactly', async () => {
    const folder = path.join(ctx.inputDir, 'shapes');
    const classes = ['circle', 'square', 'triangle'];
    const features: number[] = [];
    const labels: number[] = [];
    classes.forEach((cls, k) => {
      for (let i = 0; i < 4; i++) {
        const grey = randomBytesSeeded(5 * 6, 100 * k + i);
        writeFixture(folder, `${cls}/img${i}.png`, pngBytes(6, 5, grey));
        features.push(...grey);
        labels.push(k);
      }
    });
    const { dataset } = await importWith(ctx.service, { path: folder, split: { validation: 0.25, seed: 4 } });
    // Named after the folder; each sample keeps its image shape [h, w, 1] (no reshape to guess).
    expect(dataset).toMatchObject({
      name: 'shapes',
      format: 'images',
      inputShape: [5, 6, 1],
      imageShape: [5, 6],
      numClasses: 3,
      classNames: classes,
      classCounts: [4, 4, 4],
    });
    expectStoredInSplitOrder(storedContent(ctx.dataDir, dataset.id as string), { features, labels }, 30, 4);
  });

  it('image folder resized: halving averages each 2×2 block', async () => {
    const folder = path.join(ctx.inputDir, 'big');
    const grey = randomBytesSeeded(4 * 4, 8);
    writeFixture(folder, 'a/x.png', pngBytes(4, 4, grey));
    writeFixture(folder, 'b/y.png', pngBytes(4, 4, grey));
    const { dataset } = await importWith(ctx.service, { path: folder, imageShape: [2, 2], normalization: 'none', split: { validation: 0, seed: 1 } });
    const stored = storedContent(ctx.dataDir, dataset.id as string);
    const block = (r: number, c: number) =>
      Math.round(
        ((grey[8 * r + 2 * c] as number) + (grey[8 * r + 2 * c + 1] as number) + (grey[8 * r + 4 + 2 * c] as number) + (grey[8 * r + 5 + 2 * c] as number)) / 4,
      );
    const expected = [block(0, 0), block(0, 1), block(1, 0), block(1, 1)];
    for (const i of [0, 1])
      for (let j = 0; j < 4; j++) expect(Math.abs((stored.features[4 * i + j] as number) - (expected[j] as number))).toBeLessThanOrEqual(1);
  });

  it('NPY: float32 features [n, 2, 3] with int64 labels next to them', async () => {
    const rng = new Random(21);
    const n = 20;
    const x = Array.from({ length: n * 6 }, () => Math.fround(rng.normal()));
    const y = Array.from({ length: n }, (_, i) => i % 4);
    const file = writeFixture(ctx.inputDir, 'x.npy', npyBytes('<f4', [n, 2, 3], x));
    writeFixture(ctx.inputDir, 'y.npy', npyBytes('<i8', [n], y));
    const { dataset } = await importWith(ctx.service, { path: file, normalization: 'none', split: { validation: 0.25, seed: 2 } });
    expect(dataset).toMatchObject({ format: 'npy', inputShape: [6], imageShape: [2, 3], numClasses: 4, featureDtype: 'float32' });
    expectStoredInSplitOrder(storedContent(ctx.dataDir, dataset.id as string), { features: x, labels: y }, 6, 2);
  });

  it('NPZ (deflated, like np.savez_compressed): uint8 x and int32 y', async () => {
    const n = 16;
    const x = randomBytesSeeded(n * 9, 4);
    const y = Array.from({ length: n }, (_, i) => i % 2);
    const archive = zipBytes({ 'x.npy': npyBytes('|u1', [n, 9], x), 'y.npy': npyBytes('<i4', [n], y) }, true);
    const file = writeFixture(ctx.inputDir, 'data.npz', archive);
    const { dataset } = await importWith(ctx.service, { path: file, split: { validation: 0.25, seed: 6 } });
    expect(dataset).toMatchObject({ inputShape: [9], numClasses: 2, featureDtype: 'uint8' });
    expectStoredInSplitOrder(storedContent(ctx.dataDir, dataset.id as string), { features: x, labels: y }, 9, 6);
  });

  it('standardise uses training-split statistics only', async () => {
    const rng = new Random(5);
    const rows = Array.from({ length: 40 }, (_, i) => [rng.normal(3, 2), rng.normal(-1, 0.5), i % 2]);
    const file = writeFixture(ctx.inputDir, 'std.csv', ['a,b,label', ...rows.map((r) => r.join(','))].join('\n'));
    const { dataset } = await importWith(ctx.service, { path: file, normalization: 'standardize', split: { validation: 0.25, seed: 3 } });
    const file2 = path.join(ctx.dataDir, 'datasets', `${dataset.id}.isds`);
    const stored = storedContent(ctx.dataDir, dataset.id as string);
    const order = new Random(3).permutation(40);
    const trainRows = Array.from(order.slice(0, 30), (i) => rows[i] as number[]);
    const stats = stored.header.normalization as { mean: number[]; std: number[] };
    for (const j of [0, 1]) {
      const values = trainRows.map((r) => Math.fround(r[j] as number));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      expect(stats.mean[j]).toBeCloseTo(mean, 10);
      expect(stats.std[j]).toBeCloseTo(std, 10);
    }
    const loaded = loadDataset({ id: dataset.id as string }, { path: file2 });
    const trainMean = Array.from(loaded.x.subarray(0, 60)).reduce((a, b, i) => (i % 2 === 0 ? a + b : a), 0) / 30;
    expect(trainMean).toBeCloseTo(0, 5);
  });

  it('importing the same file twice finds the existing dataset; other options make another', async () => {
    const file = writeFixture(ctx.inputDir, 'dup.csv', 'a,label\n1,0\n2,1\n3,0\n4,1\n');
    const first = await importWith(ctx.service, { path: file });
    const copy = path.join(ctx.inputDir, 'moved.csv');
    writeFileSync(copy, 'a,label\n1,0\n2,1\n3,0\n4,1\n');
    const second = await importWith(ctx.service, { path: copy });
    expect(second).toEqual({ dataset: first.dataset, existing: true });
    expect(ctx.service.listImported()).toHaveLength(1);
    const third = await importWith(ctx.service, { path: file, normalization: 'none' });
    expect(third.existing).toBe(false);
    expect(third.dataset.id).not.toBe(first.dataset.id);
    expect(datasetFiles(ctx.dataDir)).toEqual([`${first.dataset.id}.isds`, `${third.dataset.id}.isds`].sort());
    expect(ctx.service.delete(first.dataset.id as string)).toBe(true);
    expect(datasetFiles(ctx.dataDir)).toEqual([`${third.dataset.id}.isds`]);
  });

  it('previews images and tables without storing anything', async () => {
    const folder = path.join(ctx.inputDir, 'pv');
    for (const [cls, count] of [
      ['a', 3],
      ['b', 20],
    ] as const) {
      for (let i = 0; i < count; i++) writeFixture(folder, `${cls}/${i}.png`, pngBytes(2, 2, [i, i, i, i]));
    }
    const preview = await ctx.service.preview({ path: folder, normalization: 'unit', split: { validation: 0.2, test: 0, seed: 1 } });
    expect(preview).toMatchObject({ format: 'images', samples: 23, classCounts: [3, 20], classNames: ['a', 'b'], imageShape: [2, 2] });
    expect(preview.images?.[0]).toEqual([0, 0, 0, 0]);
    const csv = writeFixture(ctx.inputDir, 't.csv', 'a,b,label\n1,2,x\n3,4,y\n');
    const table = await ctx.service.preview({ path: csv, normalization: 'unit', split: { validation: 0.2, test: 0, seed: 1 } });
    expect(table).toMatchObject({
      columns: ['a', 'b'],
      rows: [
        [1, 2],
        [3, 4],
      ],
      labels: [0, 1],
      classCounts: [1, 1],
    });
    expect(datasetFiles(ctx.dataDir)).toEqual([]);
  });

  it('previews a CSV with its cells as written and its label names (float32 storage aside)', async () => {
    const csv = writeFixture(ctx.inputDir, 'iris-head.csv', 'sepal_length,sepal_width,species\n5.28,3.5,setosa\n6.3,2.9,virginica\n1e-3,+2,versicolor\n');
    const table = await ctx.service.preview({ path: csv, normalization: 'none', split: { validation: 0, test: 0, seed: 1 } });
    expect(table.cells).toEqual([
      ['5.28', '3.5'],
      ['6.3', '2.9'],
      ['1e-3', '+2'],
    ]);
    expect(table.rows?.[0]?.[0]).toBe(Math.fround(5.28)); // what training sees: 5.28000020980835
    expect(table.labels.map((l) => table.classNames?.[l])).toEqual(['setosa', 'virginica', 'versicolor']);
  });
});
