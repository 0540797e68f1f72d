// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { createClient, type MetricPoint } from '../../../contract/index.js';
import RunList from '../../../renderer/src/components/RunList.vue';
import { formatCreated } from '../../../renderer/src/lib/format.js';
import { setHost } from '../../../renderer/src/host.js';
import { useRunsStore } from '../../../renderer/src/stores/runs.js';
import { useUiStore } from '../../../renderer/src/stores/ui.js';
import { fakeTransport } from './fake-transport.js';
import { point, summary } from './fixtures.js';
import { mount, plugins } from './mount.js';

/** Which values the list formatted, i.e. which cards rendered (each card formats its own run's numbers). */
const formatted = vi.hoisted(() => ({ percent: [] as unknown[], created: [] as string[] }));

vi.mock('../../../renderer/src/lib/format.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../renderer/src/lib/format.js')>();
  return {
    ...actual,
    formatPercent: (value: number | null | undefined, digits?: number) => {
      formatted.percent.push(value);
      return actual.formatPercent(value, digits);
    },
    formatCreated: (iso: string, locale: string, now?: Date) => {
      formatted.created.push(iso);
      return actual.formatCreated(iso, locale, now);
    },
  };
});

const RUNS = 8;
/** Run `i`'s validation accuracy: distinct per run, so a formatted value names the card that rendered. */
const accOf = (i: number, epoch: number) => i / 10 + epoch / 10_000;

function progress(runId: string, p: MetricPoint) {
  return { type: 'progress' as const, runId, point: p, totalEpochs: 100, etaSeconds: 5 };
}

function setup() {
  const { pinia, i18n } = plugins();
  const runs = useRunsStore();
  runs.runs = Array.from({ length: RUNS }, (_, i) =>
    summary(`r${i}`, {
      status: 'running',
      createdAt: `2025-01-0${i + 1}T10:00:00.000Z`,
      metrics: { trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: accOf(i, 0) },
    }),
  );
  const mounted = mount(RunList, () => ({}), pinia, i18n);
  const card = (id: string) => mounted.el.querySelector(`[data-run-id="${id}"]`)!;
  return { runs, i18n, card, ...mounted };
}

afterEach(() => {
  formatted.percent.length = 0;
  formatted.created.length = 0;
  document.body.innerHTML = '';
});

describe('RunList while runs stream', () => {
  it('re-renders only the card of the run a progress event is for, and formats no created time again', async () => {
    const { runs, card, el, unmount } = setup();
    expect(el.querySelectorAll('[data-testid="run-item"]')).toHaveLength(RUNS);
    expect(formatted.created).toHaveLength(RUNS); // once per card at mount
    expect(new Set(formatted.percent)).toEqual(new Set(runs.runs.map((r) => r.metrics.valAcc)));
    formatted.percent.length = 0;
    formatted.created.length = 0;
    const otherCard = card('r5').innerHTML;

    runs.applyEvent(progress('r3', { ...point(1), valAcc: accOf(3, 1) }));
    await nextTick();
    expect(formatted.percent).toEqual([accOf(3, 1)]); // r3's card only
    expect(formatted.created).toEqual([]);
    expect(card('r3').textContent).toContain(`${(accOf(3, 1) * 100).toFixed(1)}%`);
    expect(card('r5').innerHTML).toBe(otherCard);

    // Eight runs streaming: each event renders its own card, never the others.
    formatted.percent.length = 0;
    for (let epoch = 2; epoch <= 11; epoch += 1) {
      for (let i = 0; i < RUNS; i += 1) runs.applyEvent(progress(`r${i}`, { ...point(epoch), valAcc: accOf(i, epoch) }));
      await nextTick();
    }
    // One render per card per tick (Vue batches a card's updates within a tick): 10 ticks × 8 cards.
    expect(formatted.percent).toHaveLength(10 * RUNS);
    expect(formatted.created).toEqual([]);
    unmount();
  });

  it('formats the created time again when the language changes, and keeps selection and comparison working', async () => {
    const { runs, i18n, card, unmount } = setup();
    const { transport } = fakeTransport({ 'runs/metrics': () => [], 'runs/layerStats': () => [] });
    setHost({ transport, client: createClient(transport) });
    const english = card('r0').querySelector('time')!.textContent;
    formatted.created.length = 0;

    i18n.global.locale.value = 'zh-CN';
    await nextTick();
    expect(formatted.created).toHaveLength(RUNS);
    const chinese = card('r0').querySelector('time')!.textContent;
    expect(chinese).not.toBe(english);
    expect(chinese).toBe(
      new Intl.DateTimeFormat('zh-CN', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(runs.runs[0]!.createdAt)),
    );

    (card('r2') as HTMLElement).click();
    await nextTick();
    expect(runs.selectedId).toBe('r2');
    expect(useUiStore().view).toBe('run');
    expect(card('r2').classList.contains('selected')).toBe(true);
    expect(card('r2').getAttribute('aria-pressed')).toBe('true');

    const check = card('r4').querySelector<HTMLInputElement>('[data-testid="compare-check"]')!;
    check.click();
    await nextTick();
    expect(runs.compareIds).toEqual(['r4']);
    expect(check.checked).toBe(true);
    expect(runs.selectedId).toBe('r2'); // the checkbox does not open the run
    unmount();
  });
});

describe('formatCreated', () => {
  it('formats like a fresh Intl.DateTimeFormat per locale (formatters cached), time only for today', () => {
    const now = new Date(2025, 2, 4, 18, 0);
    const today = new Date(2025, 2, 4, 14, 5).toISOString();
    const earlier = new Date(2025, 0, 9, 8, 30).toISOString();
    for (const locale of ['en', 'zh-CN', 'en', 'zh-CN']) {
      expect(formatCreated(today, locale, now)).toBe(new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(new Date(today)));
      expect(formatCreated(earlier, locale, now)).toBe(
        new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(earlier)),
      );
    }
    expect(formatCreated('not a date', 'en', now)).toBe('not a date');
  });
});
