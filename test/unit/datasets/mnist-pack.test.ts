import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateMnist, loadMnistDigitsFromJson, mnistSourceFromDigits, mnistSourceFromPack, MNIST_PIXELS } from '../../../engine/datasets/mnist.js';
import { packDigits, readPack, unpackDigits } from '../../../engine/datasets/mnist-pack.js';

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('packed MNIST digits (engine/datasets/mnist-pack.ts)', () => {
  const digits = loadMnistDigitsFromJson();
  const pack = packDigits({ byClass: digits.byClass, pixels: MNIST_PIXELS });

  it('decodes to exactly the bits the JSON gives, at a fraction of its size', () => {
    const back = unpackDigits(pack, MNIST_PIXELS);
    expect(back).toHaveLength(10);
    digits.byClass.forEach((rows, c) => {
      expect(back[c]?.length).toBe(rows.length);
      expect(Buffer.from(bits(back[c] as Float32Array).buffer).equals(Buffer.from(bits(rows).buffer))).toBe(true);
    });
    // 10,000 digits × 784 pixels as one byte each, compressed: well under the 7.84 MB of indices.
    expect(digits.total).toBe(10000);
    expect(pack.length).toBeLessThan(3_000_000);
  });

  it('the digits of a run, decoded from the pack on use, are bit-identical to the JSON path (all of them, and a subset with its test part)', () => {
    const fromPack = mnistSourceFromPack(readPack(pack, MNIST_PIXELS));
    const fromJson = mnistSourceFromDigits(digits);
    expect(fromPack.counts).toEqual(fromJson.counts);
    expect(fromPack.total).toBe(10000);
    for (const ref of [
      { builtin: 'mnist' as const, samples: 10000, noise: 0, seed: 7 },
      { builtin: 'mnist' as const, samples: 3000, noise: 0, seed: 3 },
    ]) {
      const a = generateMnist(ref, fromPack);
      const b = generateMnist(ref, fromJson);
      expect(Buffer.from(bits(a.x).buffer).equals(Buffer.from(bits(b.x).buffer))).toBe(true);
      expect([...a.y]).toEqual([...b.y]);
      expect(a.test?.y.length ?? 0).toBe(ref.samples === 10000 ? 0 : 2000);
      if (a.test && b.test) expect(Buffer.from(bits(a.test.x).buffer).equals(Buffer.from(bits(b.test.x).buffer))).toBe(true);
    }
  });

  it('refuses a damaged, truncated, foreign or mismatched pack with the reason', () => {
    const flipped = pack.slice();
    flipped[flipped.length >> 1] = (flipped[flipped.length >> 1] as number) ^ 0xff;
    expect(() => unpackDigits(flipped, MNIST_PIXELS)).toThrow(/mnist pack/);
    expect(() => unpackDigits(pack.subarray(0, pack.length - 10), MNIST_PIXELS)).toThrow(/not a valid zlib stream/);
    expect(() => unpackDigits(pack, 100)).toThrow(/784 pixels per digit, expected 100/);
    const raw = new Uint8Array(inflateSync(pack));
    expect(() => unpackDigits(deflateSync(raw.subarray(0, raw.length - 1)), MNIST_PIXELS)).toThrow(/truncated pixels/);
    const foreign = raw.slice();
    foreign[0] = 0;
    expect(() => unpackDigits(deflateSync(foreign), MNIST_PIXELS)).toThrow(/bad magic/);
  });

  it('refuses digits with more distinct values than one byte indexes, and checks indices against a short table', () => {
    const many = Float32Array.from({ length: 300 }, (_, i) => i);
    const byClass = Array.from({ length: 10 }, () => many);
    expect(() => packDigits({ byClass, pixels: 4 })).toThrow(/300 distinct pixel values/);
    const small = packDigits({ byClass: Array.from({ length: 10 }, () => Float32Array.of(0, 0.5, 1, 0.5)), pixels: 4 });
    expect(unpackDigits(small, 4)[3]).toEqual(Float32Array.of(0, 0.5, 1, 0.5));
    const raw = new Uint8Array(inflateSync(small));
    raw[raw.length - 1] = 7; // table of 3 values
    expect(() => unpackDigits(deflateSync(raw), 4)).toThrow(/pixel index 7 outside the table of 3/);
  });
});
