// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { createClient, type BoundaryGrid, type BoundaryPoints, type BoundarySnapshot } from '../../../contract/index.js';
import DecisionBoundaryPanel from '../../../renderer/src/components/boundary/DecisionBoundaryPanel.vue';
import { niceTicks } from '../../../renderer/src/lib/boundary-draw.js';
import { boundaryColors, confidenceMix, fieldPixels, MAX_FIELD_MIX, mix, regressionPosition } from '../../../renderer/src/lib/boundary-paint.js';
import { setHost } from '../../../renderer/src/host.js';
import { useBoundaryStore } from '../../../renderer/src/stores/boundary.js';
import { fakeTransport } from './fake-transport.js';
import { summary } from './fixtures.js';
import { mount, plugins } from './mount.js';

const POINTS: BoundaryPoints = {
  train: { x: [0, 1], y: [1, 0], label: [0, 1] },
  validation: { x: [0.5], y: [0.5], label: [1] },
  test: { x: [], y: [], label: [] },
};

/** A 2×2 classes picture after `step`: bottom row class 0, top row class 1, confidences as given (bottom-left first). */
function grid(step: number, confidence = [1, 0.5, 0.75, 1]): BoundaryGrid {
  return {
    step,
    epoch: 0,
    resolution: 2,
    x: { min: 0, max: 1 },
    y: { min: 0, max: 1 },
    field: { kind: 'classes', numClasses: 2, classes: [0, 0, 1, 1], confidence },
  };
}
const snapshot = (step: number, final = false): BoundarySnapshot => ({ runId: 'r1', grid: grid(step), points: POINTS, final });

/** The RGB of pixel (col, row) in image order. */
const pixel = (px: Uint8ClampedArray, n: number, col: number, row: number) => Array.from(px.subarray((row * n + col) * 4, (row * n + col) * 4 + 3));
/** Channels within ½ of `c` (the pixel array rounds halves to even). */
function expectRgb(actual: number[], c: readonly number[]): void {
  actual.forEach((v, i) => expect(Math.abs(v - c[i]!)).toBeLessThanOrEqual(0.5 + 1e-9));
}

describe('decision-boundary colours', () => {
  it('fieldPixels puts the highest y on top and leans towards the class colour by confidence (none at 1/K)', () => {
    const colors = boundaryColors('light', 2);
    const px = fieldPixels(grid(1), colors);
    // Grid cell k=0 (bottom-left, class 0, confidence 1) is image row 1; k=2 (top-left, class 1, 0.75) is row 0.
    expectRgb(pixel(px, 2, 0, 1), mix(colors.background, colors.classes[0]!, MAX_FIELD_MIX));
    expect(pixel(px, 2, 1, 1)).toEqual([...colors.background]); // confidence ½ of 2 classes: undecided
    expectRgb(pixel(px, 2, 0, 0), mix(colors.background, colors.classes[1]!, MAX_FIELD_MIX * 0.5));
    expect(px[3]).toBe(255);
    expect(confidenceMix(1 / 3, 3)).toBe(0);
    expect(confidenceMix(2 / 3, 3)).toBeCloseTo(MAX_FIELD_MIX / 2, 10);
  });

  it('the two themes draw on their own panel colour with distinct class colours', () => {
    const light = boundaryColors('light', 3);
    const dark = boundaryColors('dark', 3);
    expect(light.background).not.toEqual(dark.background);
    expect(new Set(light.classes.map(String)).size).toBe(3);
    expect(boundaryColors('light', 12).classes.length).toBe(12);
  });

  it('regression values sit on a diverging scale over the targets’ range; ticks are round and inside the range', () => {
    expect(regressionPosition(-1, { min: -1, max: 3 })).toBe(-1);
    expect(regressionPosition(1, { min: -1, max: 3 })).toBe(0);
    expect(regressionPosition(10, { min: -1, max: 3 })).toBe(1);
    expect(niceTicks(-1.23, 1.87)).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
  });
});

describe('boundary store', () => {
  afterEach(() => setHost(null));

  it('reads a run’s picture, takes newer live pictures with the points it has, never goes back to an older one', async () => {
    plugins();
    const fake = fakeTransport({ 'runs/boundary': () => snapshot(4) });
    setHost({ transport: fake.transport, client: createClient(fake.transport) });
    const store = useBoundaryStore();
    store.connect();
    await store.load('r1');
    expect(store.pictures.r1?.grid.step).toBe(4);
    fake.emit({ type: 'boundary', runId: 'r1', grid: grid(9) });
    expect(store.pictures.r1?.grid.step).toBe(9);
    expect(store.pictures.r1?.points).toEqual(POINTS);
    fake.emit({ type: 'boundary', runId: 'r1', grid: grid(7) });
    expect(store.pictures.r1?.grid.step).toBe(9);
    // A picture of a run the store has no points for: it reads the whole picture.
    fake.answers['runs/boundary'] = () => ({ ...snapshot(3), runId: 'r2' });
    fake.emit({ type: 'boundary', runId: 'r2', grid: grid(3) });
    await Promise.resolve();
    await Promise.resolve();
    expect(fake.calls.filter((c) => c.method === 'runs/boundary').map((c) => c.payload)).toEqual([{ runId: 'r1' }, { runId: 'r2' }]);
    expect(store.pictures.r2?.grid.step).toBe(3);
    store.disconnect();
    expect(fake.listenerCount()).toBe(0);
  });
});

describe('DecisionBoundaryPanel', () => {
  afterEach(() => setHost(null));

  it('waits for the first picture, then shows the canvas, the caption, the legend and keyboard-reachable toggles', async () => {
    const { pinia, i18n } = plugins();
    const fake = fakeTransport({ 'runs/boundary': () => null, 'datasets/list': () => [] });
    setHost({ transport: fake.transport, client: createClient(fake.transport) });
    const run = summary('r1', { status: 'running' });
    const view = mount(DecisionBoundaryPanel, () => ({ run }), pinia, i18n);
    await nextTick();
    await Promise.resolve();
    expect(view.el.querySelector('[data-testid="boundary-waiting"]')?.textContent).toContain('first picture');
    expect(view.el.querySelector('canvas')).toBeNull();
    fake.emit({ type: 'boundary', runId: 'r1', grid: grid(12), points: POINTS });
    await nextTick();
    const panel = view.el.querySelector('[data-testid="boundary-panel"]') as HTMLElement;
    expect(panel.dataset.step).toBe('12');
    expect(view.el.querySelector('canvas')?.getAttribute('aria-label')).toContain('step 12');
    expect(view.el.querySelector('[data-testid="boundary-caption"]')?.textContent).toBe('step 12 · epoch 0');
    expect(view.el.querySelector('[data-testid="boundary-legend"]')?.textContent).toContain('class 1');
    const validation = view.el.querySelector('[data-testid="boundary-show-validation"]') as HTMLInputElement;
    expect(validation.type).toBe('checkbox');
    expect(validation.checked).toBe(true);
    validation.click();
    await nextTick();
    expect(view.el.querySelector('.markers li.off')?.textContent).toContain('validation');
    // No test part: its toggle is disabled and its marker absent from the legend.
    expect((view.el.querySelector('[data-testid="boundary-show-test"]') as HTMLInputElement).disabled).toBe(true);
    fake.emit({ type: 'boundary', runId: 'r1', grid: grid(20), final: true });
    await nextTick();
    expect(view.el.querySelector('[data-testid="boundary-caption"]')?.textContent).toBe('step 20 · epoch 0 · trained model');
    view.unmount();
    expect(fake.listenerCount()).toBe(0);
  });
});
