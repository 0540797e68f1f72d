import { escapeHtml } from './escape.js';

/** One line of a chart: points (x, y); null y values break the line. */
export interface ChartSeries {
  name: string;
  points: readonly { x: number; y: number | null }[];
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#be185d'];
const W = 640;
const H = 300;
const PAD = { left: 56, right: 16, top: 28, bottom: 40 };

/** Short tick label: 3 significant digits. */
const tick = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

/**
 * A self-contained inline SVG line chart (no script, no external reference): axes with 5 ticks each,
 * one polyline per series, a legend. Non-finite values are skipped.
 */
export function lineChartSvg(title: string, xLabel: string, series: readonly ChartSeries[]): string {
  const finite = series.flatMap((s) => s.points.filter((p) => p.y !== null && Number.isFinite(p.y) && Number.isFinite(p.x))) as { x: number; y: number }[];
  const head = `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}"><text x="${W / 2}" y="18" text-anchor="middle" class="title">${escapeHtml(title)}</text>`;
  if (finite.length === 0) return `${head}<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text></svg>`;
  let [x0, x1] = [Math.min(...finite.map((p) => p.x)), Math.max(...finite.map((p) => p.x))];
  let [y0, y1] = [Math.min(...finite.map((p) => p.y)), Math.max(...finite.map((p) => p.y))];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const parts = [head];
  parts.push(`<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" class="axis"/>`);
  parts.push(`<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" class="axis"/>`);
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + ((x1 - x0) * i) / 4;
    const yv = y0 + ((y1 - y0) * i) / 4;
    parts.push(`<text x="${sx(xv).toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle" class="tick">${tick(xv)}</text>`);
    parts.push(`<text x="${PAD.left - 4}" y="${(sy(yv) + 4).toFixed(1)}" text-anchor="end" class="tick">${tick(yv)}</text>`);
  }
  parts.push(`<text x="${W / 2}" y="${H - 6}" text-anchor="middle" class="tick">${escapeHtml(xLabel)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const segments: string[][] = [[]];
    for (const p of s.points) {
      if (p.y === null || !Number.isFinite(p.y)) segments.push([]);
      else segments[segments.length - 1]!.push(`${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`);
    }
    for (const seg of segments.filter((g) => g.length > 0)) {
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.6" points="${seg.join(' ')}"/>`);
    }
    parts.push(`<text x="${W - PAD.right - 4}" y="${PAD.top + 14 * (i + 1)}" text-anchor="end" fill="${color}" class="legend">${escapeHtml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
