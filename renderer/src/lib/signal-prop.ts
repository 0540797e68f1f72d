/**
 * Data shaping of signal-propagation plots (Brock, De & Smith 2021, "Characterizing signal propagation
 * to close the performance gap in unnormalized ResNets"): per residual block, measured on the block's
 * output over a probe batch, the average over channels of the squared channel mean, the average over
 * channels of the channel variance, and the variance of the residual branch's output (before it is
 * added to the skip). The renderer draws them over depth (block 1, 2, …) on a log axis.
 */

import type { SignalPropBlock, SignalPropRecord } from '../../../contract/index.js';

/** The three quantities of a signal-propagation plot, in legend (and colour) order. */
export const SIGNAL_PROP_SERIES = ['squaredMean', 'variance', 'branchVariance'] as const;
export type SignalPropSeries = (typeof SIGNAL_PROP_SERIES)[number];

/** One residual block at one moment (contract SignalPropBlock), and every block at one step. */
export type { SignalPropBlock };
/** Every residual block of the network at one moment (init: step 0). */
export type SignalPropSnapshot = Pick<SignalPropRecord, 'blocks'> & Partial<Pick<SignalPropRecord, 'step' | 'epoch'>>;

/** A point of a depth line: [block number (1-based), value or null where a log axis cannot draw it]. */
export type SignalPropPoint = [number, number | null];

/** The lines of one snapshot, plus per line how many blocks were exactly zero (not drawable on a log axis). */
export interface SignalPropLines {
  points: Record<SignalPropSeries, SignalPropPoint[]>;
  zeros: Record<SignalPropSeries, number>;
  /** Blocks in depth order, as plotted (x = position + 1). */
  blocks: SignalPropBlock[];
}

/** A value a log axis can draw: finite and positive; anything else is null. */
function drawable(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

/**
 * The three depth lines of `snapshot`: blocks sorted by their network index and numbered 1, 2, … on x;
 * values that are null, non-finite, zero or negative become null (gaps on a log axis). Zeros are
 * counted separately, because an exactly-zero residual branch (SkipInit or Fixup at init) is the point
 * of those schemes, not a missing value.
 */
export function signalPropLines(snapshot: SignalPropSnapshot | null | undefined): SignalPropLines {
  const blocks = [...(snapshot?.blocks ?? [])].sort((a, b) => a.index - b.index);
  const points = {} as Record<SignalPropSeries, SignalPropPoint[]>;
  const zeros = {} as Record<SignalPropSeries, number>;
  for (const key of SIGNAL_PROP_SERIES) {
    points[key] = blocks.map((b, i) => [i + 1, drawable(b[key])]);
    zeros[key] = blocks.filter((b) => b[key] === 0).length;
  }
  return { points, zeros, blocks };
}

/**
 * How much the average channel variance grows from the first block to the last: variance(last) /
 * variance(first), and the geometric mean growth per block, (last/first)^(1/(n−1)). Null with fewer
 * than two blocks or a non-drawable end. Without normalization a ReLU ResNet's variance grows about
 * linearly with depth (ratio ≈ n, per-block factor → 1); an exponential growth shows as a per-block
 * factor clearly above 1 at every depth.
 */
export function varianceGrowth(snapshot: SignalPropSnapshot | null | undefined): { total: number; perBlock: number } | null {
  const { blocks } = signalPropLines(snapshot);
  if (blocks.length < 2) return null;
  const first = drawable(blocks[0]!.variance);
  const last = drawable(blocks[blocks.length - 1]!.variance);
  if (first === null || last === null) return null;
  const total = last / first;
  return { total, perBlock: Math.pow(total, 1 / (blocks.length - 1)) };
}

/**
 * The snapshot index a step slider should show after `count` snapshots arrived: the last one while
 * following (the slider was at the end), else `current` clamped into range.
 */
export function followIndex(current: number, count: number, follow: boolean): number {
  if (count <= 0) return 0;
  return follow ? count - 1 : Math.max(0, Math.min(count - 1, current));
}
