import type { MetricPoint, RunSummary } from '../../../contract/index.js';
import { escapeHtml } from './escape.js';
import { metricsCsv } from './metrics-csv.js';
import { lineChartSvg, type ChartSeries } from './svg-chart.js';

/** What is needed to reproduce a run's numbers: same seed + backend + versions + data give the same curves. */
export interface ReproducibilityRecord {
  seed: number;
  backend: string | null;
  tfjsVersion: string | null;
  /** The InitScope version that trained the run. */
  appVersion: string | null;
  /** The dataset reference as configured, e.g. `builtin spiral (samples 1000, noise 0.1, seed 7)`. */
  dataset: string;
  /** sha256 (hex) of the dataset's content (generated samples, or the imported file), or null if unknown. */
  datasetHash: string | null;
}

/** One run of a report. */
export interface ReportRun {
  summary: RunSummary;
  points: readonly MetricPoint[];
  reproducibility: ReproducibilityRecord;
}

/** Report-level facts. */
export interface ReportMeta {
  /** ISO-8601 time of writing. */
  generatedAt: string;
  /** The InitScope version writing the report. */
  appVersion: string;
  title?: string;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#111;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-variant-numeric:tabular-nums}th{background:#f5f5f5}
pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}.chart{width:100%;max-width:640px;height:auto;display:block;margin:8px 0}
.chart .axis{stroke:#444}.chart .tick{font-size:11px;fill:#444}.chart .title{font-size:13px;font-weight:600}.chart .legend{font-size:11px}`;

const num = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? '—' : Number(v.toPrecision(digits)).toString());
const text = (v: string | number | null | undefined) => escapeHtml(v === null || v === undefined ? '—' : String(v));

function table(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Series of one metric for every run (x = epoch); the run label is added when comparing. */
function metricSeries(runs: readonly ReportRun[], pick: (p: MetricPoint) => number | null, label: string): ChartSeries[] {
  return runs.map((r) => ({
    name: runs.length > 1 ? `${r.summary.name} · ${label}` : label,
    points: r.points.map((p) => ({ x: p.epoch, y: pick(p) })),
  }));
}

/**
 * A self-contained HTML report of one run, or a comparison of several: summary table, loss and
 * accuracy charts (inline SVG), the reproducibility record, each run's configuration, and the metrics
 * as CSV (embedded as a data: link). No script runs and nothing is fetched: the page's CSP is
 * `default-src 'none'` with inline styles and data: links only.
 */
export function buildReportHtml(runs: readonly ReportRun[], meta: ReportMeta): string {
  if (runs.length === 0) throw new Error('a report needs at least one run');
  const title = meta.title ?? (runs.length === 1 ? `InitScope run report: ${runs[0]!.summary.name}` : `InitScope comparison of ${runs.length} runs`);
  const csv = metricsCsv(runs.map((r) => ({ runId: r.summary.id, points: r.points })));
  const summaryRows = runs.map(({ summary: s }) => [
    text(s.name),
    `<code>${text(s.id)}</code>`,
    text(s.status),
    text(s.epochsDone),
    num(s.metrics.trainLoss),
    num(s.metrics.trainAcc),
    num(s.metrics.valLoss),
    num(s.metrics.valAcc),
    s.status === 'diverged' ? text(`step ${s.divergedAtStep ?? '?'}${s.divergedLayer ? `, ${s.divergedLayer}` : ''}`) : s.error ? text(s.error) : '',
  ]);
  const reproRows = runs.map(({ summary: s, reproducibility: r }) => [
    `<code>${text(s.id)}</code>`,
    text(r.seed),
    text(r.backend),
    text(r.tfjsVersion),
    text(r.appVersion),
    text(r.dataset),
    r.datasetHash ? `<code>${text(r.datasetHash)}</code>` : '—',
  ]);
  const loss = [
    ...metricSeries(runs, (p) => p.trainLoss, 'train loss'),
    ...metricSeries(runs, (p) => p.valLoss, 'validation loss'),
  ];
  const acc = [
    ...metricSeries(runs, (p) => p.trainAcc, 'train accuracy'),
    ...metricSeries(runs, (p) => p.valAcc, 'validation accuracy'),
  ];
  const record = JSON.stringify({ generatedAt: meta.generatedAt, appVersion: meta.appVersion, runs: runs.map((r) => ({ id: r.summary.id, reproducibility: r.reproducibility })) });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="InitScope ${escapeHtml(meta.appVersion)}">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Written ${text(meta.generatedAt)} by InitScope ${text(meta.appVersion)}.</p>
<h2>Summary</h2>
${table(['run', 'id', 'status', 'epochs', 'train loss', 'train acc', 'val loss', 'val acc', 'note'], summaryRows)}
<h2>Curves</h2>
${lineChartSvg('Loss', 'epoch', loss)}
${lineChartSvg('Accuracy', 'epoch', acc)}
<h2>Reproducibility</h2>
<p>The same configuration, seed, backend and versions on the same data give the same numbers.</p>
${table(['run', 'seed', 'backend', 'tfjs', 'InitScope', 'dataset', 'dataset sha256'], reproRows)}
<h2>Configuration</h2>
${runs.map((r) => `<h3>${text(r.summary.name)} <code>${text(r.summary.id)}</code></h3><pre>${escapeHtml(JSON.stringify(r.summary.experiment, null, 2))}</pre>`).join('\n')}
<h2>Metrics</h2>
<p><a download="metrics.csv" href="data:text/csv;base64,${Buffer.from(csv, 'utf8').toString('base64')}">metrics.csv</a> (${runs.reduce((n, r) => n + r.points.length, 0)} rows; also written next to this file)</p>
<script type="application/json" id="initscope-record">${record.replace(/</g, '\\u003c')}</script>
</body></html>
`;
}
