import type { SweepCounts, SweepProgress, SweepStatus } from '../../contract/index.js';

/** Run statuses that count as ended for a sweep's progress (diverged is a result, failed a failure). */
export const ENDED_RUN_STATUSES = ['completed', 'diverged', 'failed', 'cancelled'] as const;

/** Where a sweep's throughput is measured from: when this host (re)started it, and how many runs had ended then. */
export interface ThroughputOrigin {
  startedAtMs: number;
  doneAtStart: number;
}

/**
 * A sweep's progress from its run counts. `etaSeconds` = remaining runs ÷ throughput, where
 * throughput = runs ended since `origin` ÷ seconds since `origin` (so it already reflects how many
 * workers run in parallel); null without an origin (sweep not running here) or before a run ended.
 * @param nowMs current time in ms (same clock as origin.startedAtMs)
 */
export function sweepProgress(
  sweepId: string,
  status: SweepStatus,
  total: number,
  counts: SweepCounts,
  origin: ThroughputOrigin | null,
  nowMs: number,
): SweepProgress {
  const done = ENDED_RUN_STATUSES.reduce((n, s) => n + counts[s], 0);
  let etaSeconds: number | null = null;
  if (origin && done > origin.doneAtStart) {
    const seconds = Math.max(0, nowMs - origin.startedAtMs) / 1000;
    etaSeconds = ((total - done) * seconds) / (done - origin.doneAtStart);
  }
  return { sweepId, status, total, done, failures: counts.failed, counts, etaSeconds };
}
