import type { ExperimentSpec } from '../../contract/index.js';

/**
 * An experiment's identity apart from its seed and name: two runs with the same cell key are the same
 * training on different seeds (a sweep's seeds axis changes only `train.seed` and the name).
 */
export function cellKey(experiment: ExperimentSpec): string {
  const { name: _name, ...rest } = experiment as ExperimentSpec & { name?: unknown };
  const { seed: _seed, ...train } = rest.train;
  return JSON.stringify({ ...rest, train });
}

/**
 * Which queued run a free worker takes next, learned from the runs this pool finished.
 *
 * First in, first out, except when every queued run has a finished twin (same {@link cellKey}: a
 * sweep's second and later seeds): then the run whose twin trained longest goes first (longest
 * processing time first). The runs left at the end of a sweep are then its short ones and the workers
 * finish close together, instead of one worker training the sweep's last, dearest cell alone (the seed
 * article's sweep ends with its ELU cells, up to 2× a ReLU run). Only the order changes: every run is
 * seeded by its own spec, so its numbers do not depend on when or where it trains.
 */
export class RunOrder {
  /** Wall ms of the latest finished run of each cell. */
  private readonly msByCell = new Map<string, number>();

  /** Records that a run of `key`'s cell trained for `ms` milliseconds (start sent → terminal event). */
  record(key: string, ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.msByCell.set(key, ms);
  }

  /** The learned duration of `key`'s cell in ms, or undefined before one of its runs finished. */
  estimate(key: string): number | undefined {
    return this.msByCell.get(key);
  }

  /**
   * Index in `queue` (runs in submission order, each with its cell key) of the run to start next: 0
   * unless every queued run has an estimate, then the first of the longest; -1 for an empty queue.
   */
  next(queue: readonly { cell: string }[]): number {
    if (queue.length === 0) return -1;
    let best = 0;
    let bestMs = -1;
    for (const [index, job] of queue.entries()) {
      const ms = this.msByCell.get(job.cell);
      if (ms === undefined) return 0;
      if (ms > bestMs) {
        best = index;
        bestMs = ms;
      }
    }
    return best;
  }
}
