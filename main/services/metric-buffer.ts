import type { MetricPoint } from '../../contract/index.js';

/**
 * Collects metric points (or other per-run records, e.g. layer statistics) per run and writes them in batches (one transaction per flush) every
 * `intervalMs` milliseconds, so a fast run does not cost one SQLite transaction per point.
 */
export class MetricBuffer<T = MetricPoint> {
  private readonly pending = new Map<string, T[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (runId: string, points: T[]) => void,
    private readonly intervalMs = 250,
  ) {}

  /** Queues one point of a run's curve. */
  add(runId: string, point: T): void {
    const list = this.pending.get(runId);
    if (list) list.push(point);
    else this.pending.set(runId, [point]);
    this.timer ??= setTimeout(() => this.flushAll(), this.intervalMs);
  }

  /** Writes a run's queued points now (before its final status is stored). */
  flush(runId: string): void {
    const points = this.pending.get(runId);
    this.pending.delete(runId);
    if (points && points.length > 0) this.write(runId, points);
  }

  /** Writes every queued point now. */
  flushAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const runId of [...this.pending.keys()]) this.flush(runId);
  }
}
