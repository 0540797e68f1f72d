import type { CoordCheckCurve, CoordCheckResult } from '../../../../contract/index.js';

/** One chart line: a layer's mean |activation| against width at one step. */
export interface CoordLine {
  layer: number;
  label: string;
  slope: number | null;
  /** [width, mean |activation|] points (null where not finite). */
  data: [number, number | null][];
}

/** The lines of one parametrization's chart at `step`, one per layer, in layer order. */
export function coordLines(result: CoordCheckResult, curve: CoordCheckCurve, step: number): CoordLine[] {
  return curve.cells
    .filter((c) => c.step === step)
    .sort((a, b) => a.layer - b.layer)
    .map((c) => ({
      layer: c.layer,
      label: result.layers[c.layer] ?? String(c.layer),
      slope: c.slope,
      data: result.widths.map((w, i): [number, number | null] => [w, c.meanAbs[i] ?? null]),
    }));
}

/** The largest |slope| over the hidden layers (not the output) at `step`; null when none is defined. */
export function worstHiddenSlope(result: CoordCheckResult, curve: CoordCheckCurve, step: number): number | null {
  const hidden = curve.cells.filter((c) => c.step === step && c.layer < result.layers.length - 1 && c.slope !== null);
  if (hidden.length === 0) return null;
  return hidden.reduce((m, c) => (Math.abs(c.slope!) > Math.abs(m) ? c.slope! : m), 0);
}

/** Parses the widths field ("64, 128, 256"); null when it is not a list of at least 2 distinct integers ≥ 2. */
export function parseWidths(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const widths = parts.map(Number);
  if (widths.length < 2 || widths.some((w) => !Number.isInteger(w) || w < 2) || new Set(widths).size !== widths.length) return null;
  return widths;
}
