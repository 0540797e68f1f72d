import { z } from 'zod';

/**
 * One point of a run's per-step training-loss curve: the mean training loss (in the loss's units) of
 * the window of consecutive steps that ends at `step` (steps count batches from 1), each batch weighted
 * by its sample count — the same weighting as an epoch's train loss. `loss` null: some batch of the
 * window had a non-finite loss (the run diverged there; such a point ends the curve).
 */
export const StepLossPoint = z.object({
  step: z.number().int().min(1),
  loss: z.number().nullable(),
});
export type StepLossPoint = z.infer<typeof StepLossPoint>;

/** Most per-step loss points a run emits: windows are widened so that a long run stays this cheap. */
export const MAX_STEP_LOSS_POINTS = 1000;

/** Step-loss points the engine collects before it sends them as one `stepLoss` event (also sent at each epoch's end and at the run's end). */
export const STEP_LOSS_BATCH = 25;

/**
 * Steps per step-loss window for a run of `totalSteps` steps: ⌈totalSteps / MAX_STEP_LOSS_POINTS⌉,
 * at least 1 (so a run of ≤ 1000 steps has one point per step).
 */
export function stepLossWindow(totalSteps: number): number {
  if (!(Number.isInteger(totalSteps) && totalSteps >= 0)) throw new RangeError(`totalSteps must be an integer >= 0, got ${totalSteps}`);
  return Math.max(1, Math.ceil(totalSteps / MAX_STEP_LOSS_POINTS));
}
