/** Settings of a SplitTuner. */
export interface SplitTunerOptions {
  /** Pairs of blocks (one split, one one-core) measured before deciding. */
  pairs: number;
  /** Steps per block; the first step of each block is not timed (it absorbs switching effects). */
  blockSteps: number;
  /** Leading blocks of each kind not counted (warm-up: JIT, the peer's first steps). */
  warmupBlocks: number;
  /** Splitting is chosen when the median split/one-core ratio of the pairs is below this. */
  margin: number;
  /** Steps after a decision before measuring again (load and sizes change during a run). */
  recheckEvery: number;
}

export const DEFAULT_TUNER_OPTIONS: SplitTunerOptions = { pairs: 4, blockSteps: 4, warmupBlocks: 1, margin: 0.9, recheckEvery: 1500 };

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Decides by measurement whether splitting a run's batches across two cores pays on this machine,
 * for this network and batch size. It alternates blocks of `blockSteps` split steps and one-core
 * steps (timing all but each block's first step, which absorbs the switch), skips `warmupBlocks` of
 * each kind, and after `pairs` pairs of adjacent blocks keeps splitting only if the median of the
 * pairs' split/one-core ratios of mean step time is below `margin`; it measures again after
 * `recheckEvery` steps. Adjacent blocks make a slow phase of a shared machine (they last seconds to
 * minutes here) hit both kinds alike; the median discards a pause in one block.
 */
export class SplitTuner {
  private readonly blocks: Record<'split' | 'single', number[]> = { split: [], single: [] };
  private readonly warmedUp: Record<'split' | 'single', number> = { split: 0, single: 0 };
  private current: 'split' | 'single' = 'split';
  private stepInBlock = 0;
  private blockTimes: number[] = [];
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
    return (this.decision ?? this.current) === 'split';
  }

  /**
   * Records how long a training step took (ms) and whether it was split. While measuring, a step of
   * the other kind than the tuner asked for (a one-core step while the peer was not available, or the
   * pool allowed one core) is ignored.
   */
  record(split: boolean, ms: number): void {
    if (this.decision) {
      if (++this.stepsSinceDecision >= this.options.recheckEvery) this.restart();
      return;
    }
    if (split !== this.wantSplit()) return;
    if (this.stepInBlock++ > 0) this.blockTimes.push(ms);
    if (this.stepInBlock < this.options.blockSteps) return;
    const kind = this.current;
    if (this.warmedUp[kind] < this.options.warmupBlocks) this.warmedUp[kind]++;
    else if (this.blockTimes.length > 0) this.blocks[kind].push(mean(this.blockTimes));
    this.blockTimes = [];
    this.stepInBlock = 0;
    this.current = kind === 'split' ? 'single' : 'split';
    const n = this.options.pairs;
    if (this.blocks.split.length >= n && this.blocks.single.length >= n) {
      this.lastRatio = median(this.blocks.split.slice(0, n).map((t, i) => t / (this.blocks.single[i] as number)));
      this.decision = this.lastRatio < this.options.margin ? 'split' : 'single';
      this.stepsSinceDecision = 0;
    }
  }

  private restart(): void {
    this.decision = null;
    this.blocks.split = [];
    this.blocks.single = [];
    this.warmedUp.split = 0;
    this.warmedUp.single = 0;
    this.current = 'split';
    this.stepInBlock = 0;
    this.blockTimes = [];
  }
}
