import { escapeHtml } from './escape.js';

/** One line of a chart: points (x, y); null y values break the line. */
export interface ChartSeries {
  name: string;
  points: readonly { x: number; y: number | null }[];
  /** CSS colour; default: the palette colour of the series' index. */
  color?: string;
  /** Dashed line (e.g. validation curves next to solid training curves). */
  dashed?: boolean;
}

/** The app's light-theme series colours (renderer/src/lib/chart-theme.ts), so a group has one colour in the app and the report. */
const COLORS = ['#2f6fed', '#e0662a', '#1f9d6b', '#b5489e', '#c9a227', '#2aa5c0', '#7b61d1', '#d6455d'];
const W = 640;
const PLOT_H = 300;
const PAD = { left: 56, right: 16, top: 28, bottom: 40 };

/** Short tick label: 3 significant digits. */
const tick = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

/** The palette colour of the i-th series or run (8 colours, repeating). */
export function paletteColor(i: number): string {
  return COLORS[i % COLORS.length]!;
}

const LEGEND_ROW = 15;

/**
 * A self-contained inline SVG line chart (no script, no external reference): axes with 5 ticks each,
 * one polyline per series, a legend below the plot in two columns (the SVG grows by one row per two
 * series). Non-finite values are skipped.
 */
export function lineChartSvg(title: string, xLabel: string, series: readonly ChartSeries[]): string {
  const legendRows = Math.ceil(series.length / 2);
  const H = PLOT_H + (legendRows > 0 ? 8 + legendRows * LEGEND_ROW : 0);
  const finite = series.flatMap((s) => s.points.filter((p) => p.y !== null && Number.isFinite(p.y) && Number.isFinite(p.x))) as { x: number; y: number }[];
  const head = `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}"><text x="${W / 2}" y="18" text-anchor="middle" class="title">${escapeHtml(title)}</text>`;
  if (finite.length === 0) return `${head}<text x="${W / 2}" y="${PLOT_H / 2}" text-anchor="middle">no data</text></svg>`;
  // Loops, not Math.min(...xs): 8 runs × 20,000 points would overflow the argument list.
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of finite) [x0, x1, y0, y1] = [Math.min(x0, p.x), Math.max(x1, p.x), Math.min(y0, p.y), Math.max(y1, p.y)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => PLOT_H - PAD.bottom - ((y - y0) / (y1 - y0)) * (PLOT_H - PAD.top - PAD.bottom);
  const parts = [head];
  parts.push(`<line x1="${PAD.left}" y1="${PLOT_H - PAD.bottom}" x2="${W - PAD.right}" y2="${PLOT_H - PAD.bottom}" class="axis"/>`);
  parts.push(`<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PLOT_H - PAD.bottom}" class="axis"/>`);
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + ((x1 - x0) * i) / 4;
    const yv = y0 + ((y1 - y0) * i) / 4;
    parts.push(`<text x="${sx(xv).toFixed(1)}" y="${PLOT_H - PAD.bottom + 14}" text-anchor="middle" class="tick">${tick(xv)}</text>`);
    parts.push(`<text x="${PAD.left - 4}" y="${(sy(yv) + 4).toFixed(1)}" text-anchor="end" class="tick">${tick(yv)}</text>`);
  }
  parts.push(`<text x="${W / 2}" y="${PLOT_H - 6}" text-anchor="middle" class="tick">${escapeHtml(xLabel)}</text>`);
  series.forEach((s, i) => {
    const color = s.color ?? paletteColor(i);
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    const segments: string[][] = [[]];
    for (const p of s.points) {
      if (p.y === null || !Number.isFinite(p.y)) segments.push([]);
      else segments[segments.length - 1]!.push(`${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`);
    }
    for (const seg of segments.filter((g) => g.length > 0)) {
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6"${dash} points="${seg.join(' ')}"/>`);
    }
    const lx = PAD.left + (i % 2) * ((W - PAD.left) / 2);
    const ly = PLOT_H + 8 + Math.floor(i / 2) * LEGEND_ROW;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${lx + 28}" y="${ly}" fill="${color}" class="legend">${escapeHtml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
