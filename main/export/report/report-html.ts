import {
  changeSubject,
  layerDisplayName,
  changeValueText,
  groupLabel,
  groupRuns,
  meanSd,
  semanticDiff,
  seedsText,
  SMALL_SAMPLE_MAX,
  type MeanSd,
  type MetricPoint,
  type RunGroup,
  type RunProvenance,
  type RunSummary,
  type SemanticDiff,
  type StepLossPoint,
} from '../../../contract/index.js';
import { escapeHtml } from './escape.js';
import { metricsCsv } from './metrics-csv.js';
import { configDiff, identicalLeafCount } from './config-diff.js';
import { lineChartSvg, paletteColor, type ChartSeries } from './svg-chart.js';

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
  /** The run's full record (RunProvenance), null for a run without one. */
  provenance: RunProvenance | null;
}

/** One run of a report. */
export interface ReportRun {
  summary: RunSummary;
  points: readonly MetricPoint[];
  /** Per-step training losses (see StepLossPoint); null losses (a diverged step) end the line. */
  stepPoints?: readonly StepLossPoint[];
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

/** The reports' shared style sheet (run, comparison and sweep reports). */
export const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#111;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-variant-numeric:tabular-nums}th{background:#f5f5f5}
pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}.chart{width:100%;max-width:640px;height:auto;display:block;margin:8px 0}
.differs{background:#fff3bf;font-weight:600}td code{font-size:12px}.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.warn{background:#fff3bf;border-left:3px solid #c98a00;padding:6px 10px}ul.diff li{margin:3px 0}
.chart .axis{stroke:#444}.chart .tick{font-size:11px;fill:#444}.chart .title{font-size:13px;font-weight:600}.chart .legend{font-size:11px}`;

const num = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? '—' : Number(v.toPrecision(digits)).toString());
const text = (v: string | number | null | undefined) => escapeHtml(v === null || v === undefined ? '—' : String(v));

function table(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** How a run is named in a comparison (`#2 spiral-he`), or just its name in a single-run report. */
const runLabel = (runs: readonly ReportRun[], i: number) => (runs.length > 1 ? `#${i + 1} ${runs[i]!.summary.name}` : runs[i]!.summary.name);

/** The seed groups of a comparison (runs differing only in seed pooled), their semantic diff and labels. */
interface Grouping {
  groups: RunGroup<ReportRun>[];
  diff: SemanticDiff;
  labels: string[];
  /** Group index of each run, in run order. */
  groupOf: number[];
}

function groupingOf(runs: readonly ReportRun[]): Grouping {
  const groups = groupRuns(runs, (r) => r.summary.experiment);
  const diff = semanticDiff(
    groups.map((g) => g.runs[0]!.summary.experiment),
    groups.map((g) => g.seeds),
  );
  const labels = groups.map((g) => groupLabel(diff, g.index, g.runs[0]!.summary.name));
  const groupOf = runs.map((r) => groups.findIndex((g) => g.runs.includes(r)));
  return { groups, diff, labels, groupOf };
}

/**
 * Training (solid) and validation (dashed) series of one metric (x = epoch), run by run; in a
 * comparison each seed group has one colour (the app's) and each line its group's label and seed.
 */
function metricSeries(
  runs: readonly ReportRun[],
  grouping: Grouping,
  train: (p: MetricPoint) => number | null,
  val: (p: MetricPoint) => number | null,
  what: string,
): ChartSeries[] {
  return runs.flatMap((r, i) => {
    const g = grouping.groupOf[i]!;
    const prefix = runs.length > 1 ? `${grouping.labels[g]} · seed ${r.summary.experiment.train.seed} · ` : '';
    const color = runs.length > 1 ? { color: paletteColor(g) } : {};
    return [
      { name: `${prefix}train ${what}`, points: r.points.map((p) => ({ x: p.epoch, y: train(p) })), ...color },
      { name: `${prefix}validation ${what}`, points: r.points.map((p) => ({ x: p.epoch, y: val(p) })), dashed: true, ...color },
    ];
  });
}

const swatch = (g: number) => `<span class="swatch" style="background:${paletteColor(g)}"></span>`;
const meanSdCell = (v: MeanSd) => (v.mean === null ? '—' : v.sd === null ? num(v.mean) : `${num(v.mean)} ± ${num(v.sd, 2)}`);

/**
 * Per seed group: its colour and label, n, seeds and mean ± sample sd of each final metric (table
 * `#groups`), with a warning when a group of 2–3 runs makes the spread a rough guide only.
 */
function groupsSection(grouping: Grouping): string {
  const metric = (g: RunGroup<ReportRun>, key: keyof RunSummary['metrics']) => meanSdCell(meanSd(g.runs.map((r) => r.summary.metrics[key])));
  const rows = grouping.groups.map((g) => [
    `${swatch(g.index)}${text(grouping.labels[g.index])}`,
    text(g.runs.length),
    text(g.seeds.join(', ')),
    metric(g, 'trainLoss'),
    metric(g, 'trainAcc'),
    metric(g, 'valLoss'),
    metric(g, 'valAcc'),
    metric(g, 'testLoss'),
    metric(g, 'testAcc'),
  ]);
  const sizes = grouping.groups.map((g) => g.runs.length).filter((n) => n > 1);
  const least = Math.min(...sizes);
  const warn =
    sizes.length > 0 && least <= SMALL_SAMPLE_MAX
      ? `<p class="warn" id="small-sample">Only ${least} runs per group: a spread from so few seeds is a rough guide, not evidence of a difference.</p>`
      : '';
  return `<p>Runs whose configurations differ only in the seed form one group (one colour in the charts). Mean ± sample standard deviation over the group's runs.</p>
${table(['group', 'n', 'seeds', 'train loss', 'train acc', 'val loss', 'val acc', 'test loss', 'test acc'], rows).replace('<table>', '<table id="groups">')}${warn}`;
}

/** What differs between the groups, one line per semantic change (`#semantic-diff`), and each group's seeds. */
function semanticSection(grouping: Grouping): string {
  const lines = grouping.diff.changes.map((c) => {
    const values = grouping.groups.map((g) => `${swatch(g.index)}${text(changeValueText(c, g.index))}`);
    return `<li>${text(changeSubject(c))}: ${values.join(values.length === 2 ? ' → ' : ' · ')}</li>`;
  });
  const seeds = grouping.groups.map((g) => `<li>${swatch(g.index)}${text(grouping.labels[g.index])}: ${text(seedsText(g.seeds))}</li>`);
  return `${lines.length ? `<ul class="diff" id="semantic-diff">${lines.join('')}</ul>` : '<p>Only the seeds differ: the runs are one configuration.</p>'}
<ul class="diff" id="group-seeds">${seeds.join('')}</ul>`;
}

/**
 * The configuration diff of a comparison: one row per differing field (`data-path` = its dotted path),
 * one column per run; a value unlike run #1's is highlighted (class `differs`).
 */
/** The per-step training loss of each run that has one (one colour per run), or nothing. */
function stepLossSection(runs: readonly ReportRun[]): string {
  const series: ChartSeries[] = runs.flatMap((r, i) =>
    r.stepPoints && r.stepPoints.length > 0
      ? [
          {
            name: runs.length > 1 ? runLabel(runs, i) : 'train loss per step',
            points: r.stepPoints.map((p) => ({ x: p.step, y: p.loss })),
            color: paletteColor(i),
          },
        ]
      : [],
  );
  if (series.length === 0) return '';
  const diverged = runs.filter((r) => r.stepPoints?.some((p) => p.loss === null));
  const note =
    diverged.length > 0
      ? `<p>Non-finite loss (the run diverged) at step ${diverged.map((r) => r.stepPoints!.find((p) => p.loss === null)!.step).join(', ')}: the line ends there.</p>`
      : '';
  return `${lineChartSvg('Training loss per step', 'step', series)}\n${note}`;
}

function configDiffSection(runs: readonly ReportRun[]): string {
  const configs = runs.map((r) => r.summary.experiment);
  const diffs = configDiff(configs);
  const same = identicalLeafCount(configs, diffs);
  if (diffs.length === 0) return `<p>The runs' configurations are identical (${same} fields).</p>`;
  const head = `<tr><th>field</th>${runs.map((_, i) => `<th>${escapeHtml(runLabel(runs, i))}</th>`).join('')}</tr>`;
  const rows = diffs.map(
    (d) =>
      `<tr data-path="${escapeHtml(d.path)}"><td><code>${escapeHtml(d.path)}</code></td>${d.values
        .map(
          (v, i) => `<td${i > 0 && v !== d.values[0] ? ' class="differs"' : ''}>${v === undefined ? '<em>absent</em>' : `<code>${escapeHtml(v)}</code>`}</td>`,
        )
        .join('')}</tr>`,
  );
  return `<p>${diffs.length} field${diffs.length === 1 ? '' : 's'} differ${diffs.length === 1 ? 's' : ''}; ${same} identical field${same === 1 ? ' is' : 's are'} not shown. Highlighted: a value unlike run #1's.</p>
<table id="config-diff"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * A self-contained HTML report of one run, or a comparison of several: summary (final metrics, with
 * the test part's loss and accuracy where the run was evaluated on one) table,
 * loss and accuracy charts (inline SVG; runs overlaid, one colour each, validation dashed), the
 * reproducibility record, for a comparison the configuration fields that differ (table
 * `#config-diff`, see {@link configDiff}), each run's configuration, and the metrics as CSV (embedded
 * as a data: link). No script runs and nothing is fetched: the page's CSP is
 * `default-src 'none'` with inline styles and data: links only.
 */
export function buildReportHtml(runs: readonly ReportRun[], meta: ReportMeta): string {
  if (runs.length === 0) throw new Error('a report needs at least one run');
  const title = meta.title ?? (runs.length === 1 ? `InitScope run report: ${runs[0]!.summary.name}` : `InitScope comparison of ${runs.length} runs`);
  const csv = metricsCsv(runs.map((r) => ({ runId: r.summary.id, points: r.points })));
  const summaryRows = runs.map(({ summary: s }, i) => [
    text(runLabel(runs, i)),
    `<code>${text(s.id)}</code>`,
    text(s.status),
    text(s.epochsDone),
    num(s.metrics.trainLoss),
    num(s.metrics.trainAcc),
    num(s.metrics.valLoss),
    num(s.metrics.valAcc),
    num(s.metrics.testLoss),
    num(s.metrics.testAcc),
    s.status === 'diverged'
      ? text(`step ${s.divergedAtStep ?? '?'}${s.divergedLayer ? `, ${layerDisplayName(s.divergedLayer)}` : ''}`)
      : s.error
        ? text(s.error)
        : '',
  ]);
  const reproRows = runs.map(({ summary: s, reproducibility: r }, i) => [
    `${runs.length > 1 ? `${text(runLabel(runs, i))} ` : ''}<code>${text(s.id)}</code>`,
    text(r.seed),
    text(r.backend),
    text(r.tfjsVersion),
    text(r.appVersion),
    text(r.dataset),
    r.datasetHash ? `<code>${text(r.datasetHash)}</code>` : '—',
    r.provenance ? text(r.provenance.kernels.set === 'patched' ? `patched (${r.provenance.kernels.groups.join(', ')})` : r.provenance.kernels.set) : '—',
    r.provenance ? text(r.provenance.split.parts === 2 ? 'two halves per batch' : 'whole batches') : '—',
    r.provenance
      ? `<code>${text(r.provenance.dataset.hash)}</code><br><code>${text(r.provenance.dataset.splitHash)}</code>` +
        (r.provenance.dataset.testHash ? `<br>test part: <code>${text(r.provenance.dataset.testHash)}</code>` : '')
      : '—',
  ]);
  const grouping = groupingOf(runs);
  const loss = metricSeries(
    runs,
    grouping,
    (p) => p.trainLoss,
    (p) => p.valLoss,
    'loss',
  );
  const acc = metricSeries(
    runs,
    grouping,
    (p) => p.trainAcc,
    (p) => p.valAcc,
    'accuracy',
  );
  const record = JSON.stringify({
    generatedAt: meta.generatedAt,
    appVersion: meta.appVersion,
    runs: runs.map((r) => ({ id: r.summary.id, reproducibility: r.reproducibility })),
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="InitScope ${escapeHtml(meta.appVersion)}">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Written ${text(meta.generatedAt)} by InitScope ${text(meta.appVersion)}.</p>
<h2>${runs.length > 1 ? 'Final metrics' : 'Summary'}</h2>
${table(['run', 'id', 'status', 'epochs', 'train loss', 'train acc', 'val loss', 'val acc', 'test loss', 'test acc', 'note'], summaryRows)}
${runs.some((r) => r.summary.metrics.testAcc != null || r.summary.metrics.testLoss != null) ? "<p>Test metrics: the dataset's held-out test part, evaluated once when the run finished; no training decision saw them.</p>" : ''}
${runs.length > 1 ? `<h2>Groups</h2>\n${groupsSection(grouping)}\n` : ''}<h2>Curves</h2>
${lineChartSvg('Loss', 'epoch', loss)}
${lineChartSvg('Accuracy', 'epoch', acc)}
${stepLossSection(runs)}
<h2>Reproducibility</h2>
<p>The same configuration and seed, on the same data, backend, versions, kernel set and step layout, give bit-identical numbers (initscope rerun &lt;runId&gt; checks it).</p>
${table(['run', 'seed', 'backend', 'tfjs', 'InitScope', 'dataset', 'dataset sha256', 'kernels', 'step layout', 'data as trained / split (/ test part) sha256'], reproRows)}
${runs.length > 1 ? `<h2>Configuration differences</h2>\n${semanticSection(grouping)}\n${configDiffSection(runs)}\n` : ''}<h2>Configuration</h2>
${runs.map((r, i) => `<h3>${text(runLabel(runs, i))} <code>${text(r.summary.id)}</code></h3><pre>${escapeHtml(JSON.stringify(r.summary.experiment, null, 2))}</pre>`).join('\n')}
<h2>Metrics</h2>
<p><a download="metrics.csv" href="data:text/csv;base64,${Buffer.from(csv, 'utf8').toString('base64')}">metrics.csv</a> (${runs.reduce((n, r) => n + r.points.length, 0)} rows; also written next to this file)</p>
<script type="application/json" id="initscope-record">${record.replace(/</g, '\\u003c')}</script>
</body></html>
`;
}
