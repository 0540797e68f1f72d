// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick, reactive } from 'vue';
import type { SignalPropRecord } from '../../../contract/index.js';
import SignalPropPanel from '../../../renderer/src/components/signalprop/SignalPropPanel.vue';
import { mount, plugins } from './mount.js';

/** The last option each chart received (the ECharts component is replaced by a recorder). */
const options = vi.hoisted(() => [] as Array<{ series: Array<{ id: string; data: [number, number | null][] }>; yAxis: { type: string } }>);
vi.mock('../../../renderer/src/lib/echarts.js', async () => {
  const { defineComponent, h, watchEffect } = await import('vue');
  return {
    VChart: defineComponent({
      props: { option: Object },
      setup(props) {
        watchEffect(() => options.push(props.option as (typeof options)[number]));
        return () => h('div');
      },
    }),
  };
});

/** A record of `n` blocks whose variance is `base`·`factor`^i and whose branch variance is `branch`. */
function record(step: number, n: number, base: number, factor: number, branch: number): SignalPropRecord {
  return {
    step,
    epoch: 0,
    blocks: Array.from({ length: n }, (_, i) => ({
      layer: `residual_${i + 1}`,
      index: i + 1,
      block: i,
      squaredMean: 0.01,
      variance: base * factor ** i,
      branchVariance: branch,
    })),
  };
}

afterEach(() => {
  options.length = 0;
  document.body.innerHTML = '';
});

describe('SignalPropPanel', () => {
  it('shows the newest step with its growth readout, and an older step when the slider moves back', async () => {
    const { pinia, i18n } = plugins();
    const state = reactive({ records: [record(0, 4, 1, 1, 0), record(50, 4, 1, 2, 0.5)] });
    const { el, unmount } = mount(SignalPropPanel, () => ({ records: state.records }), pinia, i18n);
    await nextTick();
    expect(el.querySelector('[data-testid="signal-prop"]')!.getAttribute('data-mode')).toBe('training');
    expect(el.querySelector('[data-testid="signal-prop-when"]')!.textContent).toBe('step 50 · epoch 1');
    expect(el.querySelector('[data-testid="signal-prop-readout"]')!.textContent).toContain('×8 from the first to the last of 4 blocks (×2 per block)');
    const last = options[options.length - 1]!;
    expect(last.yAxis.type).toBe('log');
    expect(last.series.map((s) => s.id)).toEqual(['squaredMean', 'variance', 'branchVariance']);
    expect(last.series[1]!.data).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 8],
    ]);
    const slider = el.querySelector<HTMLInputElement>('[data-testid="signal-prop-slider"]')!;
    slider.value = '0';
    slider.dispatchEvent(new Event('input'));
    await nextTick();
    expect(el.querySelector('[data-testid="signal-prop-when"]')!.textContent).toBe('step 0 · untrained');
    expect(el.querySelector('[data-testid="signal-prop-readout"]')!.textContent).toContain('zero at 4 blocks');
    // Not following any more: a new live step does not move the slider away from step 0.
    state.records = [...state.records, record(100, 4, 1, 3, 1)];
    await nextTick();
    expect(el.querySelector('[data-testid="signal-prop-when"]')!.textContent).toBe('step 0 · untrained');
    unmount();
  });

  it('switches between the init preview and the training steps', async () => {
    const { pinia, i18n } = plugins();
    const { el, unmount } = mount(SignalPropPanel, () => ({ init: record(0, 3, 2, 1, 0), records: [record(10, 3, 1, 2, 1)] }), pinia, i18n);
    await nextTick();
    expect(el.querySelector('[data-testid="signal-prop"]')!.getAttribute('data-mode')).toBe('init');
    expect(el.querySelector('[data-testid="signal-prop-readout"]')!.textContent).toContain('×1 from the first');
    el.querySelector<HTMLButtonElement>('[data-testid="signal-prop-mode-training"]')!.click();
    await nextTick();
    expect(el.querySelector('[data-testid="signal-prop"]')!.getAttribute('data-mode')).toBe('training');
    expect(el.querySelector('[data-testid="signal-prop-readout"]')!.textContent).toContain('×4 from the first');
    unmount();
  });
});
