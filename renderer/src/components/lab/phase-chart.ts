import type { PhaseCell, PhaseDiagram } from '../../../../contract/index.js';
import type { ChartColors } from '../../lib/chart-theme.js';
import type { PhaseQuantity } from '../../stores/lab.js';

/** Colour range of each quantity, in the transformed units {@link cellValue} returns. */
export const QUANTITY_RANGE: Record<PhaseQuantity, [number, number]> = {
  /** log10 ξ_c: 1 to 1000 layers. */
  xiC: [0, 3],
  /** log2 χ₁: ¼ to 4 (0 is the critical line). */
  chi1: [-2, 2],
  /** log10 q*: 10⁻³ to 100. */
  q: [-3, 2],
};

/** Diverging ramp for log2 χ₁: ordered (blue) → critical (pale) → chaotic (red). */
const DIVERGING = ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fddbc7', '#ef8a62', '#b2182b'];

const clamp = (x: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, x));

/**
 * A cell's colour value: log10 ξ_c (an infinite ξ_c at criticality is the top of the range), log2 χ₁,
 * or log10 q* (q* = 0 is the bottom), clamped to {@link QUANTITY_RANGE}; NaN where the variance map is
 * unbounded (drawn hatched grey).
 */
export function cellValue(cell: PhaseCell, quantity: PhaseQuantity): number {
  if (cell.phase === 'unbounded') return NaN;
  const range = QUANTITY_RANGE[quantity];
  switch (quantity) {
    case 'xiC':
      return cell.xiC === null ? range[1] : clamp(Math.log10(Math.max(cell.xiC, 1e-9)), range);
    case 'chi1':
      return cell.chi1 === null ? NaN : clamp(Math.log2(cell.chi1), range);
    case 'q':
      return cell.q === null ? NaN : clamp(cell.q > 0 ? Math.log10(cell.q) : -Infinity, range);
  }
}

/** The palette of a quantity. */
export function quantityPalette(quantity: PhaseQuantity, colors: ChartColors): string[] {
  return quantity === 'chi1' ? DIVERGING : colors.heat;
}

/** Half the spacing of an evenly spaced axis (0 for fewer than two values). */
const halfStep = (values: readonly number[]) => (values.length > 1 ? (values[1]! - values[0]!) / 2 : 0);

/** Label of the network point made of `layers` (1-based layer numbers, ranges joined: "L1–3, L5"). */
export function layersLabel(layers: readonly number[]): string {
  const parts: string[] = [];
  let start = layers[0];
  for (let k = 1; k <= layers.length; k++) {
    const prev = layers[k - 1]!;
    if (layers[k] === prev + 1) continue;
    parts.push(start === prev ? `${prev + 1}` : `${start! + 1}–${prev + 1}`);
    start = layers[k];
  }
  return `L${parts.join(', ')}`;
}

export interface PhaseChartText {
  weightAxis: string;
  biasAxis: string;
  critical: string;
  network: string;
  picked: string;
  /** Tooltip body of a cell. */
  cell: (cell: PhaseCell) => string;
  /** Legend ends of the colour scale: [high, low]. */
  scale: [string, string];
}

/**
 * ECharts option of the phase diagram: the grid as coloured rectangles (a custom series on value axes,
 * coloured by a visualMap on {@link cellValue}), the critical line, the network's layers as diamonds
 * (hollow when they use another activation) and the picked point as a ring.
 */
export function phaseHeatmapOption(
  d: PhaseDiagram,
  quantity: PhaseQuantity,
  colors: ChartColors,
  text: PhaseChartText,
  picked: { weightVariance: number; biasVariance: number } | null,
): Record<string, unknown> {
  const dw = halfStep(d.weightVariances);
  const db = halfStep(d.biasVariances);
  const [lo, hi] = QUANTITY_RANGE[quantity];
  const data = d.cells.map((c) => [c.weightVariance, c.biasVariance, cellValue(c, quantity)]);
  const xMin = d.weightVariances[0]! - dw;
  const xMax = d.weightVariances.at(-1)! + dw;
  const yMin = Math.max(0, d.biasVariances[0]! - db);
  const yMax = d.biasVariances.at(-1)! + db;
  const axis = (name: string, min: number, max: number) => ({
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: 26,
    nameTextStyle: { color: colors.muted, fontSize: 12 },
    min,
    max,
    axisLine: { lineStyle: { color: colors.axis } },
    axisLabel: { color: colors.muted, fontSize: 11, formatter: (v: number) => String(Number(v.toFixed(3))) },
    splitLine: { show: false },
  });
  return {
    animation: false,
    grid: { left: 52, right: 86, top: 14, bottom: 42 },
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: colors.tooltipBg,
      borderColor: colors.tooltipBorder,
      textStyle: { fontSize: 12, color: colors.text },
    },
    xAxis: axis(text.weightAxis, xMin, xMax),
    yAxis: { ...axis(text.biasAxis, yMin, yMax), nameGap: 40 },
    visualMap: {
      type: 'continuous',
      seriesIndex: 0,
      dimension: 2,
      min: lo,
      max: hi,
      inRange: { color: quantityPalette(quantity, colors) },
      right: 4,
      top: 'middle',
      itemHeight: 180,
      itemWidth: 12,
      text: text.scale,
      textStyle: { color: colors.muted, fontSize: 11 },
      calculable: false,
    },
    series: [
      {
        type: 'custom',
        name: 'cells',
        data,
        encode: { x: 0, y: 1 },
        tooltip: { formatter: (p: { dataIndex: number }) => text.cell(d.cells[p.dataIndex]!) },
        renderItem: (
          _: unknown,
          api: { value: (i: number) => number; coord: (v: number[]) => number[]; size: (v: number[]) => number[]; visual: (k: string) => string },
        ) => {
          const [cx, cy] = api.coord([api.value(0), api.value(1)]);
          const [w, h] = api.size([2 * dw, 2 * db]);
          const v = api.value(2);
          return {
            type: 'rect',
            shape: { x: cx! - w! / 2, y: cy! - h! / 2, width: w! + 0.6, height: h! + 0.6 },
            style: Number.isNaN(v) ? { fill: colors.faint, opacity: 0.45 } : { fill: api.visual('color') },
          };
        },
      },
      {
        type: 'line',
        name: text.critical,
        data: d.criticalLine.map((p) => [p.weightVariance, p.biasVariance]),
        showSymbol: false,
        lineStyle: { width: 3, color: colors.text },
        tooltip: { show: false },
        z: 5,
      },
      {
        type: 'scatter',
        name: text.network,
        data: d.network.map((p) => ({
          value: [p.weightVariance, p.biasVariance],
          label: { show: true, formatter: layersLabel(p.layers), position: 'top', color: colors.text, fontSize: 11, fontWeight: 600 },
          itemStyle: p.sameActivation
            ? { color: '#f59e0b', borderColor: '#111827', borderWidth: 1.5 }
            : { color: 'transparent', borderColor: '#f59e0b', borderWidth: 2 },
        })),
        symbol: 'diamond',
        symbolSize: 16,
        tooltip: { formatter: (p: { dataIndex: number }) => `${text.network} ${layersLabel(d.network[p.dataIndex]!.layers)}` },
        z: 6,
      },
      {
        type: 'scatter',
        name: text.picked,
        data: picked ? [[picked.weightVariance, picked.biasVariance]] : [],
        symbol: 'circle',
        symbolSize: 16,
        itemStyle: { color: 'rgba(239, 68, 68, 0.25)', borderColor: '#ef4444', borderWidth: 3 },
        tooltip: { show: false },
        z: 7,
      },
    ],
  };
}

/** Depths drawn at most (an infinite depth scale at criticality is drawn at this cap). */
export const DEPTH_CAP = 10_000;

export interface DepthChartText {
  weightAxis: string;
  depthAxis: string;
  trainable: string;
  xiC: string;
  xiQ: string;
  network: string;
}

/**
 * ECharts option of the depth scales along σ_w² at one σ_b² (Schoenholz et al. 2017, Fig. 5): the
 * trainable region below 6 ξ_c shaded, ξ_c and ξ_q as lines (log depth), and the network's depth L at
 * the σ_w² of its layers that use the diagram's activation.
 */
export function depthChartOption(d: PhaseDiagram, colors: ChartColors, text: DepthChartText): Record<string, unknown> {
  const pts = d.depthCurve.points;
  const capped = (v: number | null, phase: string) => (v === null ? (phase === 'critical' ? DEPTH_CAP : null) : Math.min(DEPTH_CAP, Math.max(v, 0.1)));
  const net = d.depth > 0 ? d.network.filter((p) => p.sameActivation).map((p) => [p.weightVariance, d.depth]) : [];
  return {
    animation: false,
    grid: { left: 52, right: 86, top: 26, bottom: 42 },
    legend: { top: 0, right: 86, textStyle: { color: colors.muted, fontSize: 11 }, itemWidth: 16, itemHeight: 8 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      backgroundColor: colors.tooltipBg,
      borderColor: colors.tooltipBorder,
      textStyle: { fontSize: 12, color: colors.text },
      valueFormatter: (v: number) => (v === null || v === undefined ? '—' : Number(v).toPrecision(3)),
    },
    xAxis: {
      type: 'value',
      name: text.weightAxis,
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: colors.muted, fontSize: 12 },
      min: pts[0]?.weightVariance,
      max: pts.at(-1)?.weightVariance,
      axisLine: { lineStyle: { color: colors.axis } },
      axisLabel: { color: colors.muted, fontSize: 11 },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'log',
      name: text.depthAxis,
      nameLocation: 'middle',
      nameGap: 40,
      nameTextStyle: { color: colors.muted, fontSize: 12 },
      min: 1,
      max: DEPTH_CAP,
      axisLabel: { color: colors.muted, fontSize: 11 },
      splitLine: { lineStyle: { color: colors.split } },
    },
    series: [
      {
        type: 'line',
        name: text.trainable,
        data: pts.map((p) => [p.weightVariance, p.xiC === null && p.phase !== 'critical' ? null : capped(p.xiC === null ? null : 6 * p.xiC, p.phase)]),
        showSymbol: false,
        connectNulls: false,
        lineStyle: { width: 2, color: colors.series[2] },
        itemStyle: { color: colors.series[2] },
        areaStyle: { color: colors.series[2], opacity: 0.15, origin: 'start' },
      },
      {
        type: 'line',
        name: text.xiC,
        data: pts.map((p) => [p.weightVariance, capped(p.xiC, p.phase)]),
        showSymbol: false,
        lineStyle: { width: 1.5, type: 'dashed', color: colors.series[0] },
        itemStyle: { color: colors.series[0] },
      },
      {
        type: 'line',
        name: text.xiQ,
        data: pts.map((p) => [p.weightVariance, capped(p.xiQ, 'x')]),
        showSymbol: false,
        lineStyle: { width: 1.5, type: 'dotted', color: colors.series[1] },
        itemStyle: { color: colors.series[1] },
      },
      {
        type: 'scatter',
        name: text.network,
        data: net,
        symbol: 'diamond',
        symbolSize: 14,
        itemStyle: { color: '#f59e0b', borderColor: '#111827', borderWidth: 1.5 },
        z: 6,
      },
    ],
  };
}
