/** Number formatting of the lab's readouts. */

/** A number to 4 significant digits (trailing zeros dropped), or — for null. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** A depth scale in layers: ∞ at criticality, — where undefined. */
export function formatDepth(v: number | null, phase: string, t: (key: string) => string): string {
  if (v === null) return phase === 'critical' ? t('lab.phase.infinite') : t('lab.phase.undefined');
  return formatNumber(v);
}
