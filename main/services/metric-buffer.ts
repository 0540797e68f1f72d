import type { MetricPoint } from '../../contract/index.js';
import { isBusyError } from '../store/busy.js';

/**
 * Collects metric points (or other per-run records, e.g. layer statistics) per run and writes them in
 * batches (one transaction per flush) every `intervalMs` milliseconds, so a fast run does not cost one
 * SQLite transaction per point.
 *
 * A flush never throws: the database is shared with other processes, and a write that still finds it
 * locked after the store's retries (a busy error) keeps its points, in order, for the next flush, which
 * is scheduled again. Any other error (the run was deleted, a malformed point) cannot heal by waiting:
 * those points are dropped and the error is logged.
 */
export class MetricBuffer<T = MetricPoint> {
  private readonly pending = new Map<string, T[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (runId: string, points: T[]) => void,
    private readonly intervalMs = 250,
    private readonly log: (message: string) => void = (message) => console.error(message),
  ) {}

  /** Queues one point of a run's curve. */
  add(runId: string, point: T): void {
    const list = this.pending.get(runId);
    if (list) list.push(point);
    else this.pending.set(runId, [point]);
    this.schedule();
  }

  /** Points queued for a run and not yet written. */
  pendingCount(runId: string): number {
    return this.pending.get(runId)?.length ?? 0;
  }

  /**
   * Writes a run's queued points now (before its final status is stored). Returns false when the
   * database stayed busy: the points are kept and a later flush writes them.
   */
  flush(runId: string): boolean {
    const points = this.pending.get(runId);
    this.pending.delete(runId);
    if (!points || points.length === 0) return true;
    try {
      this.write(runId, points);
      return true;
    } catch (error) {
      if (isBusyError(error) || (error as Error).name === 'DatabaseBusyError') {
        this.pending.set(runId, [...points, ...(this.pending.get(runId) ?? [])]);
        this.log(`InitScope: the database is busy; ${points.length} point(s) of ${runId} kept for the next write`);
        this.schedule();
        return false;
      }
      this.log(`InitScope: could not store ${points.length} point(s) of ${runId}, dropped: ${(error as Error).message}`);
      return true;
    }
  }

  /** Writes every queued point now (those the database refuses as busy stay queued). */
  flushAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const runId of [...this.pending.keys()]) this.flush(runId);
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flushAll(), this.intervalMs);
  }
}
