import { z } from 'zod';

/**
 * The decision-boundary picture of a run on a 2-D dataset (TensorFlow Playground's picture): the
 * model evaluated on a square grid over the data's bounding box, and a sample of the data points.
 * The engine computes it in the training worker a few times per epoch (engine/boundary/), the host
 * keeps the latest one per run and stores the final one (main/services/boundary-service.ts).
 */

/** Cells per side of the grid the engine evaluates (64 × 64 = 4096 forward passes of one sample). */
export const BOUNDARY_RESOLUTION = 64;
/** Most points of each part (train, validation, test) a picture carries; larger parts are thinned evenly. */
export const BOUNDARY_MAX_POINTS = { train: 1500, validation: 600, test: 600 } as const;

/** A closed interval of one input feature, in the units the network sees (after any normalisation). */
export const BoundaryRange = z
  .object({ min: z.number(), max: z.number() })
  .strict()
  .refine((r) => r.min < r.max, { message: 'min must be below max' });
export type BoundaryRange = z.infer<typeof BoundaryRange>;

/**
 * What the model predicts in each grid cell, row-major from the bottom-left cell: index
 * `j·resolution + i` is the cell centred at x = x.min + (i + ½)·Δx, y = y.min + (j + ½)·Δy.
 * - `classes`: a classifier. `classes[k]` is the predicted class (argmax; for one output unit class 1
 *   when p > ½), `confidence[k]` its probability in [1/numClasses, 1] (softmax output, else the softmax
 *   of the outputs; one unit: σ of its logit for cross-entropy, the clipped output for MSE).
 * - `values`: a regression model; `values[k]` is the predicted target, `range` their min and max.
 */
export const BoundaryField = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('classes'),
      numClasses: z.int().min(2).max(1000),
      classes: z.array(z.int().min(0)),
      confidence: z.array(z.number().min(0).max(1)),
    })
    .strict(),
  z
    .object({
      kind: z.literal('values'),
      values: z.array(z.number()),
      range: z.object({ min: z.number(), max: z.number() }).strict(),
    })
    .strict(),
]);
export type BoundaryField = z.infer<typeof BoundaryField>;

/** One evaluation of the model on the grid, after training step `step` (`epoch`: epochs completed). */
export const BoundaryGrid = z
  .object({
    step: z.int().min(0),
    epoch: z.int().min(0),
    resolution: z.int().min(2).max(256),
    x: BoundaryRange,
    y: BoundaryRange,
    field: BoundaryField,
  })
  .strict()
  .superRefine((grid, ctx) => {
    const cells = grid.resolution * grid.resolution;
    const lengths =
      grid.field.kind === 'classes' ? { classes: grid.field.classes.length, confidence: grid.field.confidence.length } : { values: grid.field.values.length };
    for (const [key, length] of Object.entries(lengths)) {
      if (length !== cells) ctx.addIssue({ code: 'custom', path: ['field', key], message: `has ${length} values, expected resolution² = ${cells}` });
    }
    if (grid.field.kind === 'classes' && grid.field.classes.some((c) => c >= (grid.field as { numClasses: number }).numClasses)) {
      ctx.addIssue({ code: 'custom', path: ['field', 'classes'], message: 'a class index is not below numClasses' });
    }
  });
export type BoundaryGrid = z.infer<typeof BoundaryGrid>;

/** Points of one part of the data: coordinates and label (class index, or the target of a regression set). */
export const BoundaryPointSet = z
  .object({ x: z.array(z.number()).max(5000), y: z.array(z.number()).max(5000), label: z.array(z.number()).max(5000) })
  .strict()
  .refine((p) => p.x.length === p.y.length && p.y.length === p.label.length, { message: 'x, y and label must have the same length' });
export type BoundaryPointSet = z.infer<typeof BoundaryPointSet>;

/**
 * A sample of the data the picture shows (fixed for a run): at most {@link BOUNDARY_MAX_POINTS} per part,
 * taken at even strides through each part (no random draws: the training numbers never depend on it).
 */
export const BoundaryPoints = z
  .object({
    train: BoundaryPointSet,
    validation: BoundaryPointSet,
    test: BoundaryPointSet,
  })
  .strict();
export type BoundaryPoints = z.infer<typeof BoundaryPoints>;

/**
 * Host event: a new picture of a running run. `points` rides on the run's first picture only; a client
 * that missed it reads the whole picture with `runs/boundary`. `final`: the picture of the trained model
 * (the run's last one; the host stores it).
 */
export const BoundaryEvent = z
  .object({
    type: z.literal('boundary'),
    runId: z.string().min(1),
    grid: BoundaryGrid,
    points: BoundaryPoints.optional(),
    final: z.boolean().optional(),
  })
  .strict();
export type BoundaryEvent = z.infer<typeof BoundaryEvent>;

/** The latest (or, for an ended run, the final) picture of a run, as `runs/boundary` returns it. */
export const BoundarySnapshot = z
  .object({
    runId: z.string().min(1),
    grid: BoundaryGrid,
    points: BoundaryPoints,
    final: z.boolean(),
  })
  .strict();
export type BoundarySnapshot = z.infer<typeof BoundarySnapshot>;

/** True for a network input the picture can show: exactly two features (`inputShape` [2]). */
export function hasBoundaryPicture(inputShape: readonly number[]): boolean {
  return inputShape.length === 1 && inputShape[0] === 2;
}
