// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { createClient, ExperimentSpec, type RunSummary } from '../../../contract/index.js';
import RunList from '../../../renderer/src/components/RunList.vue';
import RunManage from '../../../renderer/src/components/RunManage.vue';
import { setHost } from '../../../renderer/src/host.js';
import { displayRunName, runNameLabels } from '../../../renderer/src/lib/run-names.js';
import { rowOffsets, visibleWindow } from '../../../renderer/src/lib/virtual-window.js';
import { useRunsStore } from '../../../renderer/src/stores/runs.js';
import { fakeTransport } from './fake-transport.js';
import { summary } from './fixtures.js';
import { mount, plugins } from './mount.js';

const ACTIVATIONS = ['tanh', 'relu', 'sigmoid', 'elu'] as const;

/** Run `i` of a sweep: activation by i mod 4, seed i mod 10, tagged `baseline` every 7th; newest last. */
function sweepRun(i: number, overrides: Partial<RunSummary> = {}): RunSummary {
  const experiment = ExperimentSpec.parse({
    dataset: { builtin: 'spiral' },
    network: {
      inputShape: [2],
      layers: [
        { type: 'dense', units: 8, activation: { name: ACTIVATIONS[i % 4] }, kernelInitializer: { name: 'glorotNormal' } },
        { type: 'dense', units: 2, activation: { name: 'softmax' } },
      ],
    },
    train: { seed: i % 10 },
  });
  const createdAt = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return summary(`r${i}`, { status: 'completed', experiment, createdAt, customName: null, tags: i % 7 === 0 ? ['baseline'] : [], notes: '', ...overrides });
}

function setup(count: number) {
  const { pinia, i18n } = plugins();
  const runs = useRunsStore();
  runs.runs = Array.from({ length: count }, (_, i) => sweepRun(i));
  const fake = fakeTransport({
    'runs/rename': (p) => {
      const { runId, name } = p as { runId: string; name: string | null };
      return { ...runs.find(runId)!, name: name ?? 'auto', customName: name };
    },
    'runs/delete': () => ({ deleted: true, filesRemoved: 2 }),
    'runs/tag': (p) => {
      const { runId, add, remove } = p as { runId: string; add: string[]; remove: string[] };
      const tags = [...new Set([...(runs.find(runId)!.tags ?? []), ...add])].filter((tag) => !remove.includes(tag)).sort();
      return { ...runs.find(runId)!, tags };
    },
    'runs/metrics': () => [],
    'runs/layerStats': () => [],
  });
  setHost({ transport: fake.transport, client: createClient(fake.transport) });
  const mounted = mount(RunList, () => ({}), pinia, i18n);
  const cards = () => [...mounted.el.querySelectorAll<HTMLElement>('[data-testid="run-item"]')];
  return { runs, fake, i18n, pinia, cards, ...mounted };
}

async function type(input: HTMLInputElement, value: string): Promise<void> {
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await nextTick();
}

afterEach(() => {
  setHost(null);
  document.body.innerHTML = '';
});

describe('the run list with a sweep of 2,000 runs', () => {
  it('renders only the rows in view, and other rows once scrolled to', async () => {
    const { cards, el, unmount } = setup(2000);
    const first = cards();
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(30);
    expect(first[0]!.dataset.runId).toBe('r1999'); // newest first
    const list = el.querySelector<HTMLElement>('.list')!;
    // Cards are 74 px, 94 with a line of tags (every 7th run here); newest first, so r999 is row 1000.
    const heights = Array.from({ length: 2000 }, (_, k) => ((1999 - k) % 7 === 0 ? 94 : 74));
    const offsets = rowOffsets(heights);
    expect(list.querySelector<HTMLElement>('.canvas')!.style.height).toBe(`${offsets[2000]}px`);
    list.scrollTop = offsets[1000]!;
    list.dispatchEvent(new Event('scroll'));
    await nextTick();
    const ids = cards().map((c) => c.dataset.runId);
    expect(ids).toContain('r999');
    expect(ids).not.toContain('r1999');
    expect(cards().length).toBeLessThan(30);
    unmount();
  });

  it('filters by field and free text, shows a chip per field term, and a chip click removes its term', async () => {
    const { cards, el, runs, unmount } = setup(2000);
    const search = el.querySelector<HTMLInputElement>('[data-testid="run-search"]')!;
    await type(search, 'activation=tanh tag=baseline');
    // i ≡ 0 (mod 4) and i ≡ 0 (mod 7): multiples of 28 below 2000, 72 of them.
    expect(el.querySelector('[data-testid="run-count"]')!.textContent).toContain('72 of 2000');
    expect(cards().every((c) => Number(c.dataset.runId!.slice(1)) % 28 === 0)).toBe(true);
    const chips = [...el.querySelectorAll<HTMLButtonElement>('[data-testid="filter-chip"]')];
    expect(chips.map((c) => c.textContent!.replace(/\s+/g, ' ').trim())).toEqual(['Activation tanh ×', 'Tag baseline ×']);
    chips[1]!.click();
    await nextTick();
    expect(runs.filterText).toBe('activation=tanh');
    expect(el.querySelector('[data-testid="run-count"]')!.textContent).toContain('500 of 2000');
    await type(search, 'colour=red');
    expect(el.querySelector('[role="alert"]')!.textContent).toContain('unknown field "colour"');
    unmount();
  });

  it('groups by a field with a heading and count per group', async () => {
    const { el, runs, unmount } = setup(40);
    runs.groupBy = 'activation';
    await nextTick();
    const heads = [...el.querySelectorAll('[data-testid="run-group"]')].map((h) => [
      h.querySelector('.group-label')!.textContent,
      h.querySelector('.num')!.textContent,
    ]);
    // Newest run is r39 (39 mod 4 = 3: elu), so ELU's group (10 runs) comes first; the rest may be out of view.
    expect(heads[0]).toEqual(['ELU 1', '10']);
    expect(el.querySelectorAll('[data-testid="run-item"]')[0]!.getAttribute('data-run-id')).toBe('r39');
    unmount();
  });
});

describe('renaming, tagging and deleting from the list and the panel', () => {
  it('renames in place with F2 and Enter, cancels with Escape, and an empty name restores the automatic one', async () => {
    const { cards, fake, runs, unmount } = setup(3);
    const card = cards().find((c) => c.dataset.runId === 'r1')!;
    expect(card.querySelector('[data-testid="run-name"]')!.textContent).toBe('ReLU · Glorot N · Adam 0.001 · seed 1 · Spiral · MLP 8-2');
    card.focus();
    card.dispatchEvent(new KeyboardEvent('keydown', { key: 'F2' }));
    await nextTick();
    await nextTick();
    let input = card.querySelector<HTMLInputElement>('[data-testid="run-rename-input"]')!;
    await type(input, 'relu baseline');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await nextTick();
    expect(fake.calls.filter((c) => c.method === 'runs/rename')).toEqual([]);

    card.dispatchEvent(new KeyboardEvent('keydown', { key: 'F2' }));
    await nextTick();
    input = card.querySelector<HTMLInputElement>('[data-testid="run-rename-input"]')!;
    await type(input, '  relu baseline ');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await new Promise((r) => setTimeout(r, 0));
    await nextTick();
    expect(fake.calls.filter((c) => c.method === 'runs/rename').map((c) => c.payload)).toEqual([{ runId: 'r1', name: 'relu baseline' }]);
    expect(runs.find('r1')!.customName).toBe('relu baseline');
    expect(card.querySelector('[data-testid="run-name"]')!.textContent).toBe('relu baseline');

    card.dispatchEvent(new KeyboardEvent('keydown', { key: 'F2' }));
    await nextTick();
    input = card.querySelector<HTMLInputElement>('[data-testid="run-rename-input"]')!;
    await type(input, '');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.calls.filter((c) => c.method === 'runs/rename').at(-1)!.payload).toEqual({ runId: 'r1', name: null });
    unmount();
  });

  it('a tag on a card filters the list by it', async () => {
    const { cards, runs, unmount } = setup(15);
    const tagged = cards().find((c) => c.dataset.runId === 'r7')!;
    tagged.querySelector<HTMLButtonElement>('[data-testid="run-tag"]')!.click();
    await nextTick();
    expect(runs.filterText).toBe('tag=baseline');
    expect(cards().map((c) => c.dataset.runId)).toEqual(['r14', 'r7', 'r0']);
    unmount();
  });

  it('adds a tag, refuses a bad one, and deletes only after confirming, forgetting the run and its comparison place', async () => {
    const { runs, fake, pinia, i18n, unmount } = setup(3);
    runs.selectedId = 'r1';
    runs.compareIds = ['r1', 'r2'];
    const before = runs.find('r1')!;
    const panel = mount(RunManage, () => ({ run: runs.find('r1') ?? before, shownName: 'the run' }), pinia, i18n);
    const input = panel.el.querySelector<HTMLInputElement>('[data-testid="tag-input"]')!;
    await type(input, 'has space');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await nextTick();
    expect(input.classList.contains('invalid')).toBe(true);
    await type(input, 'fig3');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.calls.filter((c) => c.method === 'runs/tag').map((c) => c.payload)).toEqual([{ runId: 'r1', add: ['fig3'], remove: [] }]);
    expect(runs.find('r1')!.tags).toEqual(['fig3']);

    panel.el.querySelector<HTMLButtonElement>('[data-testid="delete-run"]')!.click();
    await nextTick();
    expect(fake.calls.some((c) => c.method === 'runs/delete')).toBe(false);
    expect(panel.el.querySelector('[data-testid="delete-confirm"]')!.textContent).toContain('the run');
    panel.el.querySelector<HTMLButtonElement>('[data-testid="delete-yes"]')!.click();
    await new Promise((r) => setTimeout(r, 0));
    await nextTick();
    expect(fake.calls.filter((c) => c.method === 'runs/delete').map((c) => c.payload)).toEqual([{ runId: 'r1' }]);
    expect(runs.find('r1')).toBeUndefined();
    expect(runs.compareIds).toEqual(['r2']);
    expect(runs.selectedId).toBe('r0'); // the next run in the list
    expect(runs.lastDeleted).toEqual({ name: 'the run', files: 2 });
    panel.unmount();
    unmount();
  });

  it('does not offer deleting a running run', async () => {
    const { runs, pinia, i18n, unmount } = setup(1);
    const panel = mount(RunManage, () => ({ run: { ...runs.find('r0')!, status: 'running' }, shownName: 'x' }), pinia, i18n);
    expect(panel.el.querySelector<HTMLButtonElement>('[data-testid="delete-run"]')!.disabled).toBe(true);
    panel.unmount();
    unmount();
  });
});

describe('run names and windowing helpers', () => {
  it('shows automatic names in the UI language and the user’s name as written', () => {
    const run = sweepRun(2);
    expect(displayRunName(run, runNameLabels('en'))).toBe('sigmoid · Glorot N · Adam 0.001 · seed 2 · Spiral · MLP 8-2');
    expect(displayRunName(run, runNameLabels('zh-CN'))).toBe('Sigmoid · Glorot 正态 · Adam 0.001 · 种子 2 · 螺旋 · MLP 8-2');
    expect(displayRunName({ ...run, customName: 'mine' }, runNameLabels('zh-CN'))).toBe('mine');
    expect(displayRunName({ ...run, customName: undefined, name: 'from an older host' }, runNameLabels('en'))).toBe('from an older host');
  });

  it('finds the rows intersecting the viewport with overscan', () => {
    const offsets = rowOffsets([28, 72, 72, 72, 28, 72]);
    expect(offsets).toEqual([0, 28, 100, 172, 244, 272, 344]);
    expect(visibleWindow(offsets, 0, 100, 0)).toEqual({ start: 0, end: 2 });
    expect(visibleWindow(offsets, 101, 100, 0)).toEqual({ start: 2, end: 4 }); // rows 2 and 3 meet [101, 201)
    expect(visibleWindow(offsets, 101, 100, 1)).toEqual({ start: 1, end: 5 });
    expect(visibleWindow(rowOffsets([]), 0, 100)).toEqual({ start: 0, end: 0 });
  });
});
