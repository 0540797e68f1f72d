/**
 * When a run draws a new decision-boundary picture: at most `perEpoch` times per epoch (every
 * ⌈stepsPerEpoch / perEpoch⌉ steps), never sooner than `minIntervalMs` after the previous one, and never
 * sooner than the previous picture's cost × (1 − share) / share, so pictures take at most about `share`
 * of the training time whatever the network's size. Timing only decides *when* a picture is drawn;
 * the pictures never feed back into training.
 */
export class BoundaryCadence {
  private readonly every: number;
  private lastAt = -Infinity;
  private lastCostMs = 0;

  /**
   * @param stepsPerEpoch training steps (batches) per epoch
   * @param now a clock in milliseconds (performance.now by default)
   */
  constructor(
    stepsPerEpoch: number,
    private readonly options: { perEpoch?: number; minIntervalMs?: number; share?: number; now?: () => number } = {},
  ) {
    this.every = Math.max(1, Math.ceil(stepsPerEpoch / (options.perEpoch ?? 4)));
  }

  private now(): number {
    return this.options.now ? this.options.now() : performance.now();
  }

  /** True if a picture is due after training step `step` (counted from 1). */
  due(step: number): boolean {
    if (step % this.every !== 0) return false;
    const share = this.options.share ?? 0.1;
    const wait = Math.max(this.options.minIntervalMs ?? 250, (this.lastCostMs * (1 - share)) / share);
    return this.now() - this.lastAt >= wait;
  }

  /** Records that a picture was drawn now and took `costMs`. */
  drawn(costMs: number): void {
    this.lastAt = this.now();
    this.lastCostMs = costMs;
  }
}
