import type { SweepSummary } from '../../../contract/index.js';
import { escapeHtml } from './escape.js';
import { sweepHeatmapSvg, TRAINABILITY_COLOR } from './heatmap-svg.js';
import { STYLE, type ReportMeta } from './report-html.js';

const SWEEP_STYLE = `.heatmap .cell{font-size:11px;font-weight:600}.heatmap .tick{font-size:11px;fill:#444}.heatmap .legend{font-size:11px;fill:#444}
.overlay-key{display:inline-block;width:22px;border-top:3px dashed ${TRAINABILITY_COLOR};vertical-align:middle;margin-right:6px}`;

const num = (v: number | null, digits = 4) => (v === null ? '—' : Number(v.toPrecision(digits)).toString());

/** The explanation of the 6·ξ_c line, in English and Simplified Chinese (the app's two languages). */
function trainabilityNote(summary: SweepSummary): string {
  const overlay = summary.heatmap?.trainability;
  if (!overlay) return '';
  const sb2 = Number(overlay.biasVariance.toPrecision(3));
  const rows = overlay.points.map((p) => [
    String(p.weightVariance),
    p.phase,
    p.xiC === null ? '∞' : p.xiC.toFixed(2),
    p.depthLimit === null ? '∞' : p.depthLimit.toFixed(1),
    p.clipped ? `beyond the depth axis (${p.clipped})` : '',
  ]);
  return `<p><span class="overlay-key"></span><b>Trainable depth ${overlay.factor}·ξ_c</b> (Schoenholz et al. 2017, "Deep Information Propagation", Fig. 5–6), from mean-field theory for ${escapeHtml(overlay.activation)} with σ_b² = ${sb2}: ξ_c is the depth over which the correlation of two inputs relaxes to its fixed point; networks much deeper than ${overlay.factor}·ξ_c (beyond the line) are predicted not to train. ▲: the limit lies beyond the depth axis (it diverges at the order–chaos transition). Depth counts hidden dense layers.</p>
<p lang="zh-CN"><span class="overlay-key"></span><b>可训练深度 ${overlay.factor}·ξ_c</b>（Schoenholz 等 2017，《Deep Information Propagation》图 5–6），由平均场理论对 ${escapeHtml(overlay.activation)}、σ_b² = ${sb2} 计算：ξ_c 是两个输入的相关性弛豫到不动点所需的层数；远深于 ${overlay.factor}·ξ_c（虚线之外）的网络预计无法训练。▲ 表示极限超出深度轴（在有序–混沌相变处发散）。深度指隐藏全连接层的层数。</p>
<table><thead><tr><th>σ_w²</th><th>phase</th><th>ξ_c (layers)</th><th>${overlay.factor}·ξ_c (layers)</th><th>note</th></tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/**
 * A self-contained HTML report of a sweep (no script runs, no external reference; CSP `default-src
 * 'none'`): the heatmap of the summary's metric as an inline SVG — with the 6·ξ_c trainable-depth line
 * and its explanation (en + zh-CN) where the summary's heatmap carries one — and the ranked table.
 * @param summary the sweep's summary (sweeps/summary) for the metric and axes to show
 */
export function sweepReportHtml(summary: SweepSummary, meta: ReportMeta): string {
  const title = meta.title ?? `InitScope sweep report: ${summary.name}`;
  const rows = summary.ranked.map((cell) => [
    cell.rank === null ? '—' : String(cell.rank),
    summary.axes.map((a) => cell.labels[a.name]).join(' · ') || '(base)',
    cell.mean === null ? '—' : `${num(cell.mean)}${cell.std === null ? '' : ` ± ${num(cell.std, 2)}`}`,
    String(cell.n),
    String(cell.diverged),
  ]);
  const table = `<table><thead><tr><th>rank</th><th>cell</th><th>${escapeHtml(summary.metric)} mean ± std</th><th>n</th><th>diverged</th></tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="InitScope ${escapeHtml(meta.appVersion)}">
<title>${escapeHtml(title)}</title><style>${STYLE}
${SWEEP_STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Written ${escapeHtml(meta.generatedAt)} by InitScope ${escapeHtml(meta.appVersion)}. Sweep <code>${escapeHtml(summary.sweepId)}</code> (${escapeHtml(summary.status)}): ${summary.progress.done}/${summary.progress.total} runs ended, ${summary.progress.counts.diverged} diverged, ${summary.progress.failures} failed; ${summary.seeds} seed${summary.seeds === 1 ? '' : 's'} per cell.</p>
<h2>Final ${escapeHtml(summary.metric)}</h2>
${summary.heatmap ? sweepHeatmapSvg(summary.heatmap, summary.metric) : '<p>No axis: nothing to map.</p>'}
${trainabilityNote(summary)}
<h2>Ranking</h2>
${table}
</body></html>
`;
}
