import { STEP_LOSS_BATCH, stepLossWindow, type StepLossPoint } from '../contract/index.js';

/**
 * Collects a run's per-step training losses into windows of `stepLossWindow(totalSteps)` consecutive
 * steps (at most ~1000 points a run) and hands them out in batches, so a fast run sends one small event
 * per STEP_LOSS_BATCH points instead of one per step.
 *
 * A window's point is Σ lossᵢ·nᵢ / Σ nᵢ over its batches (nᵢ: samples of batch i), at the window's last
 * step; a non-finite batch loss ends the window at once with a null point (the run diverges there).
 */
export class StepLossCollector {
  private readonly window: number;
  private pending: StepLossPoint[] = [];
  private sum = 0;
  private samples = 0;
  private steps = 0;
  private lastStep = 0;

  /**
   * @param totalSteps the run's planned steps (epochs × steps per epoch)
   * @param send receives each batch of points, in step order
   */
  constructor(
    totalSteps: number,
    private readonly send: (points: StepLossPoint[]) => void,
  ) {
    this.window = stepLossWindow(totalSteps);
  }

  /**
   * Adds one batch's mean loss (in the loss's units) at global `step` (from 1), over `samples` samples.
   * Sends a batch when STEP_LOSS_BATCH points are waiting.
   */
  add(step: number, loss: number, samples: number): void {
    this.lastStep = step;
    if (!Number.isFinite(loss)) {
      this.pending.push({ step, loss: null });
      this.resetWindow();
      this.flush();
      return;
    }
    this.sum += loss * samples;
    this.samples += samples;
    this.steps++;
    if (step % this.window === 0) this.closeWindow(step);
    if (this.pending.length >= STEP_LOSS_BATCH) this.flush();
  }

  /**
   * Sends the waiting points (none: nothing is sent). With `end` (the run stops) an unfinished window
   * becomes a point at the last step added.
   */
  flush(end = false): void {
    if (end) this.closeWindow(this.lastStep);
    if (this.pending.length === 0) return;
    const points = this.pending;
    this.pending = [];
    this.send(points);
  }

  private closeWindow(step: number): void {
    if (this.steps === 0) return;
    const mean = this.sum / this.samples;
    this.pending.push({ step, loss: Number.isFinite(mean) ? mean : null });
    this.resetWindow();
  }

  private resetWindow(): void {
    this.sum = 0;
    this.samples = 0;
    this.steps = 0;
  }
}
