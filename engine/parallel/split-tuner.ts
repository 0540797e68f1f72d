/** Settings of a SplitTuner. */
export interface SplitTunerOptions {
  /** Timed steps of each kind per measurement (medians are compared). */
  trials: number;
  /** Splitting is chosen when its median step time is below `margin` × the one-core median. */
  margin: number;
  /** Steps after a decision before measuring again (load and sizes change during a run). */
  recheckEvery: number;
  /** Steps of each kind not timed at the start of a measurement (warm-up: JIT, first kernel setups). */
  warmup: number;
}

export const DEFAULT_TUNER_OPTIONS: SplitTunerOptions = { trials: 9, margin: 0.9, recheckEvery: 1500, warmup: 2 };

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Decides by measurement whether splitting a run's batches across two cores pays on this machine,
 * for this network and batch size: it alternates split and one-core steps until it has `trials`
 * pairs (after `warmup` untimed steps of each kind), then keeps splitting only if the median of the
 * pairs' split/one-core time ratios is below `margin`, and measures again after `recheckEvery`
 * steps. Each pair's two steps are adjacent, so a slow phase of a shared machine (they last seconds
 * to minutes here) hits both alike; the median discards a pause in one step.
 */
export class SplitTuner {
  private readonly times: Record<'split' | 'single', number[]> = { split: [], single: [] };
  private readonly skipped: Record<'split' | 'single', number> = { split: 0, single: 0 };
  private decision: 'split' | 'single' | null = null;
  private stepsSinceDecision = 0;
  private lastRatio: number | null = null;

  constructor(private readonly options: SplitTunerOptions = DEFAULT_TUNER_OPTIONS) {}

  /** 'measuring', or the kind of step chosen by the last measurement. */
  get state(): 'measuring' | 'split' | 'single' {
    return this.decision ?? 'measuring';
  }

  /** The last measurement's median split/one-core step-time ratio (< 1: splitting was faster), or null. */
  get measuredRatio(): number | null {
    return this.lastRatio;
  }

  /** Whether the next step should be split (when a peer is available for it). */
  wantSplit(): boolean {
    if (this.decision) return this.decision === 'split';
    const done = (kind: 'split' | 'single') => this.times[kind].length + this.skipped[kind];
    return done('split') <= done('single');
  }

  /**
   * Records how long a training step took (ms) and whether it was split. While measuring, a step of
   * the other kind than the tuner asked for (a one-core step while the peer was not available, or the
   * pool allowed one core) is ignored, so that pairs stay adjacent.
   */
  record(split: boolean, ms: number): void {
    const kind = split ? 'split' : 'single';
    if (this.decision) {
      if (++this.stepsSinceDecision >= this.options.recheckEvery) this.restart();
      return;
    }
    if (split !== this.wantSplit()) return;
    if (this.skipped[kind] < this.options.warmup) {
      this.skipped[kind]++;
      return;
    }
    this.times[kind].push(ms);
    if (this.times.split.length >= this.options.trials && this.times.single.length >= this.options.trials) {
      this.lastRatio = median(this.times.split.map((t, i) => t / (this.times.single[i] as number)));
      this.decision = this.lastRatio < this.options.margin ? 'split' : 'single';
      this.stepsSinceDecision = 0;
    }
  }

  private restart(): void {
    this.decision = null;
    this.times.split = [];
    this.times.single = [];
    this.skipped.split = 0;
    this.skipped.single = 0;
  }
}
