// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick, reactive } from 'vue';
import type { MetricPoint } from '../../../contract/index.js';
import CurveChart from '../../../renderer/src/components/CurveChart.vue';
import { chartColors } from '../../../renderer/src/lib/chart-theme.js';
import { formatLoss } from '../../../renderer/src/lib/format.js';
import { useRunsStore } from '../../../renderer/src/stores/runs.js';
import { useUiStore } from '../../../renderer/src/stores/ui.js';
import { point, summary } from './fixtures.js';
import { mount, plugins } from './mount.js';

/** The parts of an ECharts option the assertions read. */
interface SeriesOption {
  id: string;
  name?: string;
  data: Float64Array;
  itemStyle?: { color: string };
}
interface ChartOption {
  series: SeriesOption[];
  xAxis?: { max: unknown; name: string };
  yAxis?: { axisLabel: { color: string } };
  tooltip?: { valueFormatter: (value: unknown) => string };
}

/** Every setOption the chart made, in order (the ECharts instance is replaced by a recorder). */
const calls = vi.hoisted(() => [] as Array<{ option: ChartOption; opts: Record<string, unknown> | undefined }>);

vi.mock('../../../renderer/src/lib/echarts.js', async () => {
  const { defineComponent, h } = await import('vue');
  return {
    VChart: defineComponent({
      props: { option: Object },
      setup(_, { expose }) {
        expose({ setOption: (option: ChartOption, opts?: Record<string, unknown>) => calls.push({ option, opts }) });
        return () => h('div');
      },
    }),
  };
});

/** A progress event as the host sends it. */
function progress(runId: string, p: MetricPoint) {
  return { type: 'progress' as const, runId, point: p, totalEpochs: 5000, etaSeconds: 10 };
}

/** The pairs of a flat [x0, y0, …] array. */
function pairs(view: ArrayLike<number>): [number, number][] {
  return Array.from({ length: view.length / 2 }, (_, i) => [view[2 * i]!, view[2 * i + 1]!]);
}

function setup(kind: 'loss' | 'accuracy', runId = 'r1') {
  const { pinia, i18n } = plugins();
  const runs = useRunsStore();
  runs.runs = [summary('r1', { status: 'running' }), summary('r2', { status: 'completed' })];
  runs.points.r1 = [];
  const props = reactive({ runId });
  const mounted = mount(CurveChart, () => ({ kind, points: runs.points[props.runId] ?? [], runId: props.runId, maxEpoch: 5000 }), pinia, i18n);
  return { runs, ui: useUiStore(), i18n, props, ...mounted };
}

/** Lets Vue's watchers run, then the scheduler's timers and the animation frame. */
async function settle(ms = 20): Promise<void> {
  await nextTick();
  vi.advanceTimersByTime(ms);
  await nextTick();
}

beforeEach(() => {
  calls.length = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('CurveChart (Run view) live updates', () => {
  it('sends a new point as the two series data only, appended in place, at most every 250 ms', async () => {
    const { runs, el, unmount } = setup('loss');
    for (let e = 1; e <= 100; e += 1) runs.applyEvent(progress('r1', e === 50 ? { ...point(e), valLoss: null } : point(e)));
    await settle();

    // First draw: the full option, series as flat typed arrays of [epoch, value].
    expect(calls).toHaveLength(1);
    const first = calls[0]!;
    expect(first.opts).toEqual({ notMerge: true });
    const [train, val] = first.option.series;
    expect(train!.data).toBeInstanceOf(Float64Array);
    expect(pairs(train!.data)).toEqual(runs.points.r1!.map((p) => [p.epoch, p.trainLoss]));
    expect(pairs(val!.data)).toEqual(runs.points.r1!.map((p) => [p.epoch, p.valLoss ?? Number.NaN]));
    expect([train!.name, val!.name]).toEqual(['Train', 'Validation']);
    expect([train!.itemStyle!.color, val!.itemStyle!.color]).toEqual([chartColors('light').train, chartColors('light').val]);
    expect(first.option.xAxis!.max).toBe(5000);
    expect(el.querySelector('[data-testid="loss-chart"]')!.getAttribute('data-points')).toBe('100');

    // One more point: only the two series' data, in the same memory (nothing rebuilt), merged lazily.
    runs.applyEvent(progress('r1', point(101)));
    await settle();
    expect(calls).toHaveLength(2);
    const update = calls[1]!;
    expect(update.opts).toEqual({ lazyUpdate: true });
    expect(Object.keys(update.option)).toEqual(['series']);
    expect(update.option.series.map((s) => Object.keys(s).sort())).toEqual([
      ['data', 'id'],
      ['data', 'id'],
    ]);
    const [trainNow, valNow] = update.option.series;
    expect([trainNow!.id, valNow!.id]).toEqual(['train', 'val']);
    expect(trainNow!.data.buffer).toBe(train!.data.buffer);
    expect(trainNow!.data.length).toBe(202);
    expect([trainNow!.data[200], trainNow!.data[201], valNow!.data[201]]).toEqual([101, point(101).trainLoss, point(101).valLoss]);

    // A fast run: a point every 4 ms. Within the 250 ms after the last update nothing is sent…
    for (let e = 102; e <= 151; e += 1) {
      runs.applyEvent(progress('r1', point(e)));
      await settle(4);
    }
    expect(calls).toHaveLength(2);
    // …then one update carrying all 50 points.
    await settle(100);
    expect(calls).toHaveLength(3);
    expect(pairs(calls[2]!.option.series[0]!.data)).toEqual(runs.points.r1!.map((p) => [p.epoch, p.trainLoss]));
    expect(el.querySelector('[data-testid="loss-chart"]')!.getAttribute('data-points')).toBe('151');
    unmount();
  });

  it('rebuilds the option on a theme or language change, and redraws another run from scratch', async () => {
    const { runs, ui, i18n, props, unmount } = setup('accuracy');
    for (let e = 1; e <= 30; e += 1) runs.applyEvent(progress('r1', point(e)));
    await settle();
    expect(calls).toHaveLength(1);

    ui.theme = 'dark';
    await settle();
    expect(calls).toHaveLength(2);
    const dark = calls[1]!;
    expect(dark.opts).toEqual({ notMerge: true });
    expect(dark.option.series[0]!.itemStyle!.color).toBe(chartColors('dark').train);
    expect(dark.option.yAxis!.axisLabel.color).toBe(chartColors('dark').muted);
    expect(pairs(dark.option.series[1]!.data)).toEqual(runs.points.r1!.map((p) => [p.epoch, p.valAcc]));

    i18n.global.locale.value = 'zh-CN';
    await settle();
    expect(calls[2]!.option.series.map((s) => s.name)).toEqual(['训练', '验证']);
    expect(calls[2]!.option.xAxis!.name).toBe('轮次');

    // Another run: only its data, read from its first point.
    runs.points.r2 = [point(1), point(2), point(3)];
    props.runId = 'r2';
    await settle();
    const last = calls[calls.length - 1]!;
    expect(Object.keys(last.option)).toEqual(['series']);
    expect(pairs(last.option.series[0]!.data)).toEqual([1, 2, 3].map((e) => [e, point(e).trainAcc]));
    unmount();
  });

  it('formats tooltip values per kind and shows a dash for a missing value', async () => {
    const { runs, unmount } = setup('loss');
    runs.applyEvent(progress('r1', point(1)));
    await settle();
    const formatter = calls[0]!.option.tooltip!.valueFormatter;
    expect(formatter(0.012345)).toBe(formatLoss(0.012345));
    expect(formatter(Number.NaN)).toBe('—');
    expect(formatter(undefined)).toBe('—');
    unmount();
  });
});
