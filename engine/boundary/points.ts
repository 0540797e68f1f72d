import { BOUNDARY_MAX_POINTS, type BoundaryPoints, type BoundaryPointSet } from '../../contract/index.js';

/** A coordinate to 4 significant digits: far finer than a picture's pixel, and a quarter of the JSON. */
const round4 = (v: number): number => Number(v.toPrecision(4));

/**
 * At most `max` of the samples `indices` of a 2-D dataset, taken at an even stride (sample ⌊m·n/max⌋
 * for m = 0…max−1; all of them when there are fewer; coordinates to 4 significant digits). No random draw, so picking points never moves
 * the training's random streams.
 * @param x row-major [N, 2] features
 * @param labels [N] class indices (or real targets for a regression set)
 */
export function samplePoints(x: Float32Array, labels: Int32Array | Float32Array, indices: ArrayLike<number>, max: number): BoundaryPointSet {
  const n = indices.length;
  const count = Math.min(n, max);
  const set: BoundaryPointSet = { x: [], y: [], label: [] };
  for (let m = 0; m < count; m++) {
    const i = indices[Math.floor((m * n) / count)] as number;
    const a = x[2 * i] as number;
    const b = x[2 * i + 1] as number;
    const label = labels[i] as number;
    if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(label)) continue;
    set.x.push(round4(a));
    set.y.push(round4(b));
    set.label.push(labels instanceof Int32Array ? label : round4(label));
  }
  return set;
}

/** The sample of a run's data its pictures show: the train and validation splits, and the test part if any. */
export function boundaryPoints(
  data: { x: Float32Array; labels: Int32Array | Float32Array; test?: { x: Float32Array; y: Int32Array } | undefined },
  split: { train: ArrayLike<number>; val: ArrayLike<number> },
): BoundaryPoints {
  const test = data.test;
  return {
    train: samplePoints(data.x, data.labels, split.train, BOUNDARY_MAX_POINTS.train),
    validation: samplePoints(data.x, data.labels, split.val, BOUNDARY_MAX_POINTS.validation),
    test: test ? samplePoints(test.x, test.y, allIndices(test.y.length), BOUNDARY_MAX_POINTS.test) : { x: [], y: [], label: [] },
  };
}

/** 0, 1, …, n − 1. */
function allIndices(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
