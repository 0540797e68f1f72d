import { JACOBIAN_LOG10_EDGES, type JacobianReport, type JacobianStage } from '../../../../contract/index.js';
import type { ChartColors } from '../../lib/chart-theme.js';

/** Labels of the histogram bins: the underflow bin, then each bin's lower edge (log10 s), then the overflow. */
export function binLabels(zero: string): string[] {
  const edges = JACOBIAN_LOG10_EDGES;
  return [zero, ...edges.slice(0, -1).map((e) => e.toFixed(1)), `≥ ${edges.at(-1)!.toFixed(0)}`];
}

/** Row label of a layer: its depth and name ("3 · dense_4"). */
export const layerRowLabel = (l: JacobianStage['layers'][number]) => `${l.depth} · ${l.layer}`;

export interface DensityText {
  sAxis: string;
  layerAxis: string;
  zero: string;
}

/**
 * ECharts option of one stage's singular-value density: layers (input at the top) × log10 s bins, the
 * fraction of singular values in each bin as colour. The column at log10 s = 0 is dynamical isometry.
 */
export function densityOption(stage: JacobianStage, colors: ChartColors, text: DensityText): Record<string, unknown> {
  const labels = binLabels(text.zero);
  const rows = stage.layers.map(layerRowLabel);
  const data = stage.layers.flatMap((l, r) => l.histogram.map((f, b) => [b, r, f > 0 ? f : null]));
  const max = Math.max(0.05, ...stage.layers.flatMap((l) => l.histogram));
  const isometry = labels.indexOf('0.0');
  return {
    animation: false,
    grid: { left: 8, right: 70, top: 8, bottom: 40, containLabel: true },
    tooltip: {
      confine: true,
      backgroundColor: colors.tooltipBg,
      borderColor: colors.tooltipBorder,
      textStyle: { fontSize: 12, color: colors.text },
      formatter: (p: { value: [number, number, number | null] }) =>
        `${rows[p.value[1]]}<br/>log₁₀ s ∈ [${labels[p.value[0]]}, …): <b>${((p.value[2] ?? 0) * 100).toFixed(1)}%</b>`,
    },
    xAxis: {
      type: 'category',
      data: labels,
      name: text.sAxis,
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: colors.muted, fontSize: 12 },
      // Whole decades only (and the two open-ended bins).
      axisLabel: { color: colors.muted, fontSize: 10, interval: (i: number, v: string) => i === 0 || i === labels.length - 1 || /^-?\d+\.0$/.test(v) },
      axisLine: { lineStyle: { color: colors.axis } },
      splitArea: { show: false },
    },
    yAxis: { type: 'category', data: rows, inverse: true, axisLabel: { color: colors.muted, fontSize: 10 }, axisLine: { lineStyle: { color: colors.axis } } },
    visualMap: {
      min: 0,
      max,
      calculable: false,
      orient: 'vertical',
      right: 0,
      top: 'middle',
      itemHeight: 120,
      itemWidth: 10,
      inRange: { color: colors.heat },
      textStyle: { color: colors.muted, fontSize: 10 },
      text: [`${Math.round(max * 100)}%`, '0%'],
    },
    series: [
      {
        type: 'heatmap',
        data,
        markLine:
          isometry >= 0
            ? {
                silent: true,
                symbol: 'none',
                label: { show: false },
                lineStyle: { color: colors.series[3], type: 'dashed', width: 1.5 },
                data: [{ xAxis: isometry }],
              }
            : undefined,
      },
    ],
  };
}

export interface MomentsText {
  depthAxis: string;
  meanSq: (stage: string) => string;
  varSq: (stage: string) => string;
  stage: (stage: JacobianStage['stage']) => string;
}

/** ECharts option of mean s² (solid) and var s² (dashed) over depth, per stage (log scale). */
export function momentsOption(report: JacobianReport, colors: ChartColors, text: MomentsText): Record<string, unknown> {
  const series = report.stages.flatMap((stage, k) => {
    const color = colors.series[k % colors.series.length];
    const name = text.stage(stage.stage);
    const positive = (v: number) => (v > 0 ? v : null);
    return [
      {
        type: 'line',
        name: text.meanSq(name),
        data: stage.layers.map((l) => [l.depth, positive(l.meanSq)]),
        symbolSize: 5,
        lineStyle: { width: 2, color },
        itemStyle: { color },
      },
      {
        type: 'line',
        name: text.varSq(name),
        data: stage.layers.map((l) => [l.depth, positive(l.varSq)]),
        symbolSize: 4,
        lineStyle: { width: 1.5, type: 'dashed', color },
        itemStyle: { color },
      },
    ];
  });
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 28, bottom: 36, containLabel: true },
    legend: { top: 0, textStyle: { color: colors.muted, fontSize: 11 }, itemWidth: 16, itemHeight: 8 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      backgroundColor: colors.tooltipBg,
      borderColor: colors.tooltipBorder,
      textStyle: { fontSize: 12, color: colors.text },
      valueFormatter: (v: number) => (v === null ? '—' : Number(v).toPrecision(3)),
    },
    xAxis: {
      type: 'value',
      name: text.depthAxis,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { color: colors.muted, fontSize: 12 },
      minInterval: 1,
      axisLabel: { color: colors.muted, fontSize: 11 },
      axisLine: { lineStyle: { color: colors.axis } },
      splitLine: { show: false },
    },
    yAxis: { type: 'log', axisLabel: { color: colors.muted, fontSize: 11 }, splitLine: { lineStyle: { color: colors.split } } },
    series,
  };
}
