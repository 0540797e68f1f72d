import { BOUNDARY_RESOLUTION, hasBoundaryPicture, type BoundaryGrid, type BoundaryPoints, type LossName } from '../../contract/index.js';
import type { Model } from '../model.js';
import type { TF } from '../tf.js';
import { BoundaryCadence } from './cadence.js';
import { boundingBox, gridPoints, type GridBox } from './grid.js';
import { boundaryPoints } from './points.js';
import { outputReading, predictGrid, type OutputReading } from './predict-grid.js';

/** One picture as the engine hands it out (the worker wraps it into a contract BoundaryEvent). */
export interface BoundaryUpdate {
  grid: BoundaryGrid;
  /** The run's data sample: on its first picture only. */
  points?: BoundaryPoints;
  /** The trained model's picture (the run's last). */
  final?: boolean;
}

/** Receives a run's pictures, in order. */
export type BoundarySink = (update: BoundaryUpdate) => void;

/** What the tracker needs to know about the run's data. */
export interface BoundaryData {
  /** Row-major [N, 2] features of the train and validation samples (normalised as the network sees them). */
  x: Float32Array;
  /** [N] class indices, or real targets of a regression set. */
  labels: Int32Array | Float32Array;
  inputShape: readonly number[];
  /** 0 for a regression set. */
  numClasses: number;
  test?: { x: Float32Array; y: Int32Array } | undefined;
}

/** Draws a run's decision-boundary pictures (see contract/boundary.ts). */
export interface BoundaryTracker {
  /** True if a picture is due after step `step` (BoundaryCadence). */
  due(step: number): boolean;
  /** Evaluates the model on the grid and hands the picture to the sink; `epoch` counts completed epochs. */
  draw(step: number, epoch: number, final?: boolean): Promise<void>;
}

/**
 * A tracker for a run whose samples have two features, else null (no picture for other inputs: the
 * grid is never evaluated). The grid covers the bounding box of every sample (train, validation, test)
 * with a 10 % margin, at BOUNDARY_RESOLUTION² cells; the picture is fixed in space for the whole run.
 * @param split indices of the train and validation samples in `data.x`
 * @param stepsPerEpoch for the cadence (a few pictures per epoch, bounded in time; cadence.ts)
 * @param now the cadence's clock (tests pass a fake)
 */
export function createBoundaryTracker(
  tf: TF,
  model: Model,
  loss: LossName,
  data: BoundaryData,
  split: { train: ArrayLike<number>; val: ArrayLike<number> },
  stepsPerEpoch: number,
  sink: BoundarySink,
  now?: () => number,
): BoundaryTracker | null {
  if (!hasBoundaryPicture(data.inputShape)) return null;
  const box: GridBox = boundingBox(data.test ? [data.x, data.test.x] : [data.x]);
  const grid = gridPoints(box, BOUNDARY_RESOLUTION);
  const reading: OutputReading = outputReading(model, loss, data.numClasses);
  const cadence = new BoundaryCadence(stepsPerEpoch, now ? { now } : {});
  const clock = now ?? (() => performance.now());
  let points: BoundaryPoints | null = boundaryPoints({ x: data.x, labels: data.labels, test: data.test }, split);
  return {
    due: (step) => cadence.due(step),
    async draw(step, epoch, final = false) {
      const t0 = clock();
      const field = await predictGrid(tf, model, reading, grid);
      cadence.drawn(clock() - t0);
      sink({
        grid: { step, epoch, resolution: BOUNDARY_RESOLUTION, x: box.x, y: box.y, field },
        ...(points ? { points } : {}),
        ...(final ? { final: true } : {}),
      });
      points = null;
    },
  };
}
