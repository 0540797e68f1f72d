import type { SweepHeatmap, SweepMetric, TrainabilityOverlay } from '../../../contract/index.js';
import { escapeHtml } from './escape.js';

/** Viridis (the app's sweep heatmap ramp, renderer SweepHeatmap.vue); the last stop is best. */
const RAMP = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
/** The trainable-depth line's colour (as in the app). */
export const TRAINABILITY_COLOR = '#ff3b30';
const EMPTY = '#eceff3';
const PAD = { left: 12, top: 12, right: 12, bottom: 44 };
const ROW_H = 34;
const LABEL_CHAR_W = 6.6;

/** The label of a σ_w² row or column: `σ_w² = 1.5` where the overlay knows it, else the axis label. */
function axisText(labels: readonly string[], overlay: TrainabilityOverlay | null, isWeightAxis: boolean): string[] {
  if (!overlay || !isWeightAxis) return [...labels];
  return labels.map((label, i) => {
    const p = overlay.points.find((q) => q.index === i);
    return p ? `σ_w² = ${p.weightVariance}` : label;
  });
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));

/**
 * A self-contained inline SVG of a sweep heatmap (no script, no external reference): one cell per
 * (row, column) value coloured on the viridis ramp by the mean final metric (brighter = better;
 * losses reversed), the mean printed in each cell (grey cells: no value), axis labels, and, when the
 * heatmap carries a trainability overlay, the dashed 6·ξ_c line through the σ_w² rows or columns at
 * its place on the depth axis (cell units: value k's centre is k; ▲ where it lies beyond the axis).
 * @returns the `<svg>` element's markup; width in CSS pixels grows with the label length and columns
 */
export function sweepHeatmapSvg(heatmap: SweepHeatmap, metric: SweepMetric): string {
  const overlay = heatmap.trainability ?? null;
  const rows = axisText(heatmap.rowLabels, overlay, overlay?.weightAxis === 'row');
  const cols = heatmap.colAxis === null ? ['(all)'] : axisText(heatmap.colLabels, overlay, overlay?.weightAxis === 'col');
  const labelW = Math.ceil(Math.max(...rows.map((r) => r.length), 4) * LABEL_CHAR_W) + 10;
  const cellW = Math.max(56, Math.min(96, Math.floor(560 / cols.length)));
  const left = PAD.left + labelW;
  const width = left + cellW * cols.length + PAD.right;
  const height = PAD.top + ROW_H * rows.length + PAD.bottom;
  const values = heatmap.mean.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 1;
  const higher = metric.endsWith('Acc');
  const colour = (v: number) => {
    const f = max > min ? (v - min) / (max - min) : 1;
    return RAMP[Math.round((higher ? f : 1 - f) * (RAMP.length - 1))]!;
  };
  const parts: string[] = [];
  heatmap.mean.forEach((line, r) =>
    line.forEach((v, c) => {
      const x = left + c * cellW;
      const y = PAD.top + r * ROW_H;
      const fill = v === null ? EMPTY : colour(v);
      const dark = v !== null && RAMP.indexOf(fill) < 6;
      const div = heatmap.diverged[r]?.[c] ?? 0;
      parts.push(
        `<rect x="${x + 1}" y="${y + 1}" width="${cellW - 2}" height="${ROW_H - 2}" rx="3" fill="${fill}"><title>${escapeHtml(`${rows[r]} · ${cols[c]}: ${v === null ? 'no value' : fmt(v)}`)}</title></rect>`,
        `<text x="${x + cellW / 2}" y="${y + ROW_H / 2 + 4}" text-anchor="middle" class="cell" fill="${dark ? '#fff' : '#14181f'}">${v === null ? '—' : fmt(v)}${div ? ` (${div}× div.)` : ''}</text>`,
      );
    }),
  );
  rows.forEach((label, r) =>
    parts.push(`<text x="${left - 6}" y="${PAD.top + r * ROW_H + ROW_H / 2 + 4}" text-anchor="end" class="tick">${escapeHtml(label)}</text>`),
  );
  cols.forEach((label, c) =>
    parts.push(
      `<text x="${left + c * cellW + cellW / 2}" y="${PAD.top + rows.length * ROW_H + 14}" text-anchor="middle" class="tick">${escapeHtml(label)}</text>`,
    ),
  );
  const colTitle = heatmap.colAxis ?? '';
  parts.push(
    `<text x="${left + (cellW * cols.length) / 2}" y="${height - 8}" text-anchor="middle" class="legend">${escapeHtml(colTitle)} →  ·  rows: ${escapeHtml(heatmap.rowAxis)}</text>`,
  );
  if (overlay) parts.push(trainabilityMarks(overlay, left, cellW));
  return `<svg class="chart heatmap" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sweep heatmap">${parts.join('')}</svg>`;
}

/** The 6·ξ_c polyline(s) (broken where the limit is undefined) and a marker per point. */
function trainabilityMarks(overlay: TrainabilityOverlay, left: number, cellW: number): string {
  const at = (index: number, position: number): [number, number] => {
    const [col, row] = overlay.weightAxis === 'row' ? [position, index] : [index, position];
    return [left + (col + 0.5) * cellW, PAD.top + (row + 0.5) * ROW_H];
  };
  const segments: [number, number][][] = [[]];
  const marks: string[] = [];
  for (const p of overlay.points) {
    if (p.position === null) {
      segments.push([]);
      continue;
    }
    const [x, y] = at(p.index, p.position);
    segments.at(-1)!.push([x, y]);
    const limit = p.depthLimit === null ? '∞' : p.depthLimit.toFixed(1);
    const title = `<title>σ_w² = ${p.weightVariance} (${p.phase}): 6·ξ_c = ${limit} layers</title>`;
    marks.push(
      p.clipped
        ? `<path d="M${x} ${y - 6} L${x + 5} ${y + 4} L${x - 5} ${y + 4} Z" fill="${TRAINABILITY_COLOR}" stroke="#fff" stroke-width="1"${p.clipped === 'below' ? ` transform="rotate(180 ${x} ${y})"` : ''}>${title}</path>`
        : `<circle cx="${x}" cy="${y}" r="4" fill="${TRAINABILITY_COLOR}" stroke="#fff" stroke-width="1">${title}</circle>`,
    );
  }
  const lines = segments
    .filter((s) => s.length > 1)
    .map(
      (s) =>
        `<polyline class="trainability" points="${s.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}" fill="none" stroke="${TRAINABILITY_COLOR}" stroke-width="2.5" stroke-dasharray="7 4"/>`,
    );
  return `<g data-overlay="trainability">${lines.join('')}${marks.join('')}</g>`;
}
