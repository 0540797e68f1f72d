import { Random } from '../random.js';

/**
 * Reorders samples by a seeded permutation (so consumers that slice rather than shuffle still see every
 * class). Row i of the result is row order[i] of the input.
 * @param x row-major [n, rowSize]; @param y [n]; @param targets optional [n]
 * @returns new arrays of the same shapes
 */
export function shuffleSamples(
  x: Float32Array,
  y: Int32Array,
  rowSize: number,
  seed: number,
  targets?: Float32Array,
): { x: Float32Array; y: Int32Array; targets?: Float32Array } {
  const n = y.length;
  const order = new Random(seed).permutation(n);
  const xs = new Float32Array(x.length);
  const ys = new Int32Array(n);
  const ts = targets ? new Float32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const src = order[i] as number;
    xs.set(x.subarray(src * rowSize, (src + 1) * rowSize), i * rowSize);
    ys[i] = y[src] as number;
    if (ts && targets) ts[i] = targets[src] as number;
  }
  return ts ? { x: xs, y: ys, targets: ts } : { x: xs, y: ys };
}
