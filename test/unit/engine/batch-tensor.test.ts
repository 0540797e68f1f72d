import { beforeAll, describe, expect, it } from 'vitest';
import { filledTensor } from '../../../engine/batch-tensor.js';
import { gatherLabelsInto, gatherRowsInto } from '../../../engine/batches.js';
import type { TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

describe('filledTensor (a batch gathered into the tensor buffer)', () => {
  it('holds exactly the gathered rows and labels, and frees its buffer with the tensor', () => {
    expect(tf.getBackend()).toBe('wasm'); // the heap path is the one under test here
    const start = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    const x = Float32Array.from({ length: 10 * 3 }, (_, i) => i * 0.5 - 4);
    const y = Int32Array.from({ length: 10 }, (_, i) => (i * 7) % 10);
    const order = Int32Array.from([9, 2, 5, 0, 7, 1]);
    const xb = filledTensor(tf, [4, 3], 'float32', (out) => gatherRowsInto(out as Float32Array, x, 3, order, 1, 5));
    const yb = filledTensor(tf, [4], 'int32', (out) => gatherLabelsInto(out, y, order, 1, 5));
    expect(xb.dtype).toBe('float32');
    expect(yb.dtype).toBe('int32');
    expect(Array.from(xb.dataSync())).toEqual([2, 5, 0, 7].flatMap((r) => [x[3 * r]!, x[3 * r + 1]!, x[3 * r + 2]!]));
    expect(Array.from(yb.dataSync())).toEqual([2, 5, 0, 7].map((r) => y[r]!));
    // The tensor works in kernels like any other.
    expect(tf.tidy(() => tf.sum(xb).dataSync()[0]!)).toBeCloseTo(
      [2, 5, 0, 7].reduce((a, r) => a + x[3 * r]! + x[3 * r + 1]! + x[3 * r + 2]!, 0),
      4,
    );
    tf.dispose([xb, yb]);
    expect(tf.memory().numTensors).toBe(start);
    expect(tf.backend().numDataIds()).toBe(buffers);
  });

  it('frees the buffer when filling throws', () => {
    const before = tf.backend().numDataIds();
    expect(() => filledTensor(tf, [4], 'int32', (out) => gatherLabelsInto(out, new Float32Array(8), Int32Array.from([0, 1, 2, 3]), 0, 4))).toThrow(
      /differ in type/,
    );
    expect(tf.backend().numDataIds()).toBe(before);
  });

  it('off the wasm heap (cpu backend) fills an array for tf.tensor: the staging one, or a fresh one when it is too short', async () => {
    await tf.setBackend('cpu');
    const staging = new Float32Array(6);
    const t = filledTensor(tf, [2, 3], 'float32', (out) => out.set([1, 2, 3, 4, 5, 6]), staging);
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    t.dispose();
    const u = filledTensor(tf, [3, 3], 'float32', (out) => out.fill(2), staging);
    expect(u.size).toBe(9);
    expect(Array.from(u.dataSync())).toEqual(new Array(9).fill(2));
    u.dispose();
    await tf.setBackend('wasm');
  });
});
