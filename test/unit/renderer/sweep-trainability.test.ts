// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SweepSpec, type SweepHeatmap } from '../../../contract/index.js';
import { trainabilityOverlay } from '../../../main/services/sweep-trainability.js';
import SweepHeatmapView from '../../../renderer/src/components/sweeps/SweepHeatmap.vue';
import { mount, plugins } from './mount.js';

/** The parts of the ECharts option the assertions read. */
interface LineDatum {
  value: [number | null, number | null];
  symbol?: string;
}
interface ChartOption {
  series: Array<{ type: string; xAxisIndex?: number; yAxisIndex?: number; data: LineDatum[]; lineStyle?: { type: string } }>;
  xAxis: Array<{ type: string; min?: number; max?: number; show?: boolean }>;
  yAxis: Array<{ type: string; min?: number; max?: number; inverse?: boolean; show?: boolean }>;
}

const options = vi.hoisted(() => [] as ChartOption[]);
vi.mock('../../../renderer/src/lib/echarts.js', async () => {
  const { defineComponent, h } = await import('vue');
  return {
    VChart: defineComponent({
      props: { option: Object },
      setup(props) {
        return () => {
          options.push(props.option as ChartOption);
          return h('div');
        };
      },
    }),
  };
});

const spec = SweepSpec.parse(JSON.parse(readFileSync('examples/schoenholz-trainability.json', 'utf8')));
const rows = spec.axes.initializer!.length;
const cols = spec.axes.depth!.length;
const grid = <T>(v: T) => Array.from({ length: rows }, () => Array.from({ length: cols }, () => v));
const base: SweepHeatmap = {
  rowAxis: 'initializer',
  colAxis: 'depth',
  rowLabels: spec.axes.initializer!.map((i) => `varianceScaling(${i.name === 'varianceScaling' ? i.scale : 0}, fanIn, normal)`),
  colLabels: spec.axes.depth!.map(String),
  mean: grid<number | null>(0.5),
  std: grid<number | null>(null),
  n: grid(1),
  diverged: grid(0),
};

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
  options.length = 0;
});

function render(heatmap: SweepHeatmap) {
  const { pinia, i18n } = plugins();
  const mounted = mount(SweepHeatmapView, () => ({ heatmap, metric: 'testAcc' }), pinia, i18n);
  unmount = mounted.unmount;
  return { el: mounted.el, option: options.at(-1)! };
}

describe('sweep heatmap: the trainable-depth overlay', () => {
  it('draws 6·ξ_c through the σ_w² rows at its place on the depth columns, with an explanation', () => {
    const trainability = trainabilityOverlay(spec, base, {})!;
    const { el, option } = render({ ...base, trainability });
    const line = option.series.find((s) => s.type === 'line')!;
    expect(line).toBeDefined();
    expect(line.lineStyle?.type).toBe('dashed');
    expect([line.xAxisIndex, line.yAxisIndex]).toEqual([1, 1]);
    // Hidden value axes in cell units: cell k's centre is k.
    expect(option.xAxis[1]).toMatchObject({ type: 'value', min: -0.5, max: cols - 0.5, show: false });
    expect(option.yAxis[1]).toMatchObject({ type: 'value', min: -0.5, max: rows - 0.5, inverse: true, show: false });
    expect(line.data.map((d) => d.value)).toEqual(trainability.points.map((p) => [p.position, p.index]));
    // σ_w² = 1 (row 2): 6ξ_c ≈ 21.8 layers, between depth 16 (column 3) and 32 (column 4).
    expect(line.data[2]!.value[0]).toBeGreaterThan(3);
    expect(line.data[2]!.value[0]).toBeLessThan(4);
    // σ_w² = 1.76 (row 4) is near the critical point: the limit is past the axis and marked with a triangle.
    expect(line.data[4]).toMatchObject({ value: [cols - 0.5, 4], symbol: 'triangle' });
    const caption = el.querySelector('[data-testid="sweep-trainability"]')!;
    expect(caption.textContent).toContain('6·ξ_c');
    expect(caption.textContent).toContain('σ_b² = 0.05');
    expect(caption.getAttribute('data-limits')!.split(' ')).toHaveLength(rows);
  });

  it('draws nothing extra without an overlay', () => {
    const { el, option } = render(base);
    expect(option.series.some((s) => s.type === 'line')).toBe(false);
    expect(el.querySelector('[data-testid="sweep-trainability"]')).toBeNull();
  });
});
