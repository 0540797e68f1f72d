import type { LayerStatsRecord, MetricPoint, ReproductionDifference, ReproductionReport, RunProvenance, RunSummary } from '../../contract/index.js';

/** A run with everything stored about its numbers. */
export interface StoredRunNumbers {
  run: RunSummary;
  /** Its whole curve (not downsampled), by step. */
  curve: readonly MetricPoint[];
  /** Its whole per-layer statistics, by step. */
  layerStats: readonly LayerStatsRecord[];
}

/** The curve metrics compared per point, in the order a difference is reported. */
const CURVE_METRICS = ['trainLoss', 'trainAcc', 'valLoss', 'valAcc'] as const;

/** Bit-identity of two stored numbers (Object.is: -0 differs from 0, NaN equals NaN; null only equals null). */
const same = (a: number | null | undefined, b: number | null | undefined): boolean => Object.is(a ?? null, b ?? null);

const difference = (epoch: number, metric: string, original: number | null | undefined, reproduction: number | null | undefined): ReproductionDifference => ({
  epoch,
  metric,
  original: original ?? null,
  reproduction: reproduction ?? null,
});

/** The first differing numeric leaf of two per-layer statistics records, as a metric path (`layerStats.dense_1.gradientNorm`, `…histogram[3]`). */
function firstLayerStatsDifference(a: LayerStatsRecord, b: LayerStatsRecord): ReproductionDifference | null {
  const epoch = a.epoch + 1;
  if (a.step !== b.step) return difference(epoch, 'layerStats.step', a.step, b.step);
  if (a.layers.length !== b.layers.length) return difference(epoch, `layerStats@${a.step}.layers`, a.layers.length, b.layers.length);
  for (const [i, la] of a.layers.entries()) {
    const lb = b.layers[i]!;
    for (const key of Object.keys(la) as (keyof typeof la)[]) {
      const va = la[key];
      const vb = lb[key];
      const path = `layerStats@${a.step}.${la.layer}.${key}`;
      if (Array.isArray(va) && Array.isArray(vb)) {
        if (va.length !== vb.length) return difference(epoch, `${path}.length`, va.length, vb.length);
        const j = va.findIndex((v, k) => !same(v, vb[k]));
        if (j >= 0) return difference(epoch, `${path}[${j}]`, va[j], vb[j]);
      } else if (typeof va === 'number' || typeof vb === 'number' || va === null) {
        if (!same(va as number | null, vb as number | null)) return difference(epoch, path, va as number | null, vb as number | null);
      }
    }
  }
  return null;
}

/**
 * The first stored number in which a reproduction differs from its original: curve points in step
 * order (each point's trainLoss, trainAcc, valLoss, valAcc; `epochs` when one curve is longer),
 * then per-layer statistics in step order, then the final metrics (test loss and accuracy included, where
 * either run has them) and the divergence step (epoch 0).
 * Compares bit for bit (Object.is); elapsed times are not compared. Null when everything is identical.
 */
export function firstDifference(original: StoredRunNumbers, reproduction: StoredRunNumbers): ReproductionDifference | null {
  const [a, b] = [original.curve, reproduction.curve];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [pa, pb] = [a[i]!, b[i]!];
    if (pa.epoch !== pb.epoch || pa.step !== pb.step) return difference(pa.epoch, 'step', pa.step, pb.step);
    for (const metric of CURVE_METRICS) if (!same(pa[metric], pb[metric])) return difference(pa.epoch, metric, pa[metric], pb[metric]);
  }
  if (a.length !== b.length) return difference(Math.min(a.length, b.length) + 1, 'epochs', a.length, b.length);
  const [sa, sb] = [original.layerStats, reproduction.layerStats];
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const d = firstLayerStatsDifference(sa[i]!, sb[i]!);
    if (d) return d;
  }
  if (sa.length !== sb.length) return difference(0, 'layerStats.records', sa.length, sb.length);
  const [ma, mb] = [original.run.metrics as Record<string, number | null>, reproduction.run.metrics as Record<string, number | null>];
  for (const metric of new Set([...Object.keys(ma), ...Object.keys(mb)])) {
    if (!same(ma[metric], mb[metric])) return difference(0, `final.${metric}`, ma[metric], mb[metric]);
  }
  if (!same(original.run.divergedAtStep, reproduction.run.divergedAtStep))
    return difference(0, 'divergedAtStep', original.run.divergedAtStep, reproduction.run.divergedAtStep);
  return null;
}

/** Paths of the leaves of a JSON value (`kernels.set`, `dataset.hash`, `kernels.groups`), arrays as leaves. */
function leaves(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) for (const [p, s] of leaves(v, prefix ? `${prefix}.${key}` : key)) out.set(p, s);
  } else {
    out.set(prefix, JSON.stringify(value ?? null));
  }
  return out;
}

/**
 * The provenance fields in which two records differ (dotted paths such as `backend`, `kernels.set`,
 * `split.parts`, `dataset.hash`), ignoring `reproduces`, `split.reason` (a reason's wording is not a
 * number's cause) and `split.calibration.*` (the split calibration that chose a layout: a reproduction
 * keeps the recorded layout without consulting one, so only `split.parts` can change the numbers). A missing record differs as a whole (`provenance`).
 */
export function provenanceDifferences(a: RunProvenance | null | undefined, b: RunProvenance | null | undefined): string[] {
  if (!a || !b) return a || b ? ['provenance'] : [];
  const [la, lb] = [leaves(a), leaves(b)];
  // The machine's name (queue runs) does not determine the numbers; nor does the calibration a recorded layout overrides.
  const ignored = new Set(['reproduces', 'split.reason', 'host']);
  return [...new Set([...la.keys(), ...lb.keys()])].filter((k) => !ignored.has(k) && !k.startsWith('split.calibration.') && la.get(k) !== lb.get(k)).sort();
}

/** Statuses a run ends in by itself (whose numbers a rerun must reproduce). */
export const REPRODUCIBLE_STATUSES: ReadonlySet<RunSummary['status']> = new Set(['completed', 'diverged']);

/**
 * The verdict on a reproduction (see ReproductionReport): `pending` while it is queued or running,
 * `differs` when it ended otherwise than its original (a `status` difference) or any stored number
 * differs (firstDifference), else `identical`.
 */
export function compareReproduction(original: StoredRunNumbers, reproduction: StoredRunNumbers): ReproductionReport {
  const base = {
    originalRunId: original.run.id,
    reproductionRunId: reproduction.run.id,
    pointsCompared: Math.min(original.curve.length, reproduction.curve.length),
    provenanceDiffers: provenanceDifferences(original.run.provenance, reproduction.run.provenance),
  };
  if (reproduction.run.status === 'queued' || reproduction.run.status === 'running') {
    return { ...base, verdict: 'pending', firstDifference: null };
  }
  const first =
    reproduction.run.status !== original.run.status
      ? difference(reproduction.run.epochsDone, `status: ${original.run.status} → ${reproduction.run.status}`, null, null)
      : firstDifference(original, reproduction);
  return { ...base, verdict: first ? 'differs' : 'identical', firstDifference: first };
}
