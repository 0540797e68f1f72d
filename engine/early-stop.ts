import type { EarlyStop, FinalMetrics } from '../contract/index.js';

/**
 * True when `metrics` reach the early-stop target: losses (trainLoss, valLoss) at or below it,
 * accuracies (trainAcc, valAcc) at or above it. A missing (null) metric never reaches it.
 */
export function reachedTarget(metrics: FinalMetrics, earlyStop: EarlyStop | null): boolean {
  if (!earlyStop) return false;
  const value = metrics[earlyStop.metric];
  if (value === null) return false;
  return earlyStop.metric.endsWith('Loss') ? value <= earlyStop.target : value >= earlyStop.target;
}
