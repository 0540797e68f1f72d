import type { SweepAnalysis } from '../../../../contract/index.js';
import type { ChartColors } from '../../lib/chart-theme.js';

export interface SweepChartText {
  axis: (name: string) => string;
  metric: string;
  seed: string;
  noValue: string;
  noise: string;
}

/**
 * ECharts option of the parallel coordinates: one category axis per sweep axis (its labels), the seed,
 * then the metric (value axis); each run one line coloured by its metric (grey and on the "no value"
 * tick when it has none).
 */
export function parallelOption(a: SweepAnalysis, colors: ChartColors, text: SweepChartText): Record<string, unknown> {
  const values = a.runs.flatMap((r) => (r.value === null ? [] : [r.value]));
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const seeds = Math.max(1, ...a.runs.map((r) => r.seedIndex + 1));
  const dims = [
    ...a.axes.map((axis, i) => ({ dim: i, name: text.axis(axis.name), type: 'category', data: axis.labels })),
    { dim: a.axes.length, name: text.seed, type: 'category', data: Array.from({ length: seeds }, (_, k) => String(k + 1)) },
    { dim: a.axes.length + 1, name: text.metric, type: 'value', min: lo - (hi - lo) * 0.05, max: hi + (hi - lo) * 0.05 || hi + 1 },
  ];
  const line = (r: SweepAnalysis['runs'][number]) => [...a.axes.map((axis) => axis.labels[r.coords[axis.name] ?? 0]), String(r.seedIndex + 1), r.value ?? lo];
  return {
    animation: false,
    parallelAxis: dims.map((d) => ({
      ...d,
      nameTextStyle: { color: colors.muted, fontSize: 11 },
      axisLine: { lineStyle: { color: colors.axis } },
      axisLabel: { color: colors.muted, fontSize: 10 },
    })),
    parallel: { left: 40, right: 70, top: 30, bottom: 20 },
    visualMap: {
      type: 'continuous',
      min: lo,
      max: hi === lo ? lo + 1 : hi,
      dimension: a.axes.length + 1,
      seriesIndex: 0,
      inRange: { color: colors.heat.slice(2) },
      right: 0,
      top: 'middle',
      itemHeight: 100,
      itemWidth: 10,
      textStyle: { color: colors.muted, fontSize: 10 },
      calculable: false,
    },
    series: [
      { type: 'parallel', data: a.runs.filter((r) => r.value !== null).map(line), lineStyle: { width: 1.5, opacity: 0.75 } },
      { type: 'parallel', data: a.runs.filter((r) => r.value === null).map(line), lineStyle: { width: 1, opacity: 0.5, type: 'dashed', color: colors.faint } },
    ],
  };
}

/** ECharts option of the importance bars (relative to the metric variance), most important on top, with the seed noise. */
export function importanceOption(a: SweepAnalysis, colors: ChartColors, text: SweepChartText): Record<string, unknown> {
  const rows = [...a.importance].reverse();
  const noise = a.variance && a.baselineError !== null ? a.baselineError / a.variance : null;
  return {
    animation: false,
    grid: { left: 8, right: 24, top: 8, bottom: 20, containLabel: true },
    tooltip: {
      trigger: 'axis',
      confine: true,
      backgroundColor: colors.tooltipBg,
      borderColor: colors.tooltipBorder,
      textStyle: { fontSize: 12, color: colors.text },
    },
    xAxis: { type: 'value', min: 0, axisLabel: { color: colors.muted, fontSize: 10 }, splitLine: { lineStyle: { color: colors.split } } },
    yAxis: {
      type: 'category',
      data: [...(noise !== null ? [text.noise] : []), ...rows.map((r) => text.axis(r.axis))],
      axisLabel: { color: colors.muted, fontSize: 11 },
    },
    series: [
      {
        type: 'bar',
        data: [
          ...(noise !== null ? [{ value: Number(noise.toPrecision(3)), itemStyle: { color: colors.faint } }] : []),
          ...rows.map((r) => ({ value: r.relative === null ? 0 : Number(r.relative.toPrecision(3)), itemStyle: { color: colors.series[0] } })),
        ],
        barMaxWidth: 16,
      },
    ],
  };
}
