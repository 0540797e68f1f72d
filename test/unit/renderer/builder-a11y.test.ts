// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { SHORTCUTS } from '../../../renderer/src/components/about/shortcuts.js';
import LayerInspector from '../../../renderer/src/components/builder/LayerInspector.vue';
import LayerPalette from '../../../renderer/src/components/builder/LayerPalette.vue';
import NetworkStack from '../../../renderer/src/components/builder/NetworkStack.vue';
import { useExperimentStore } from '../../../renderer/src/stores/experiment.js';
import { mount, plugins } from './mount.js';

describe('builder accessibility details', () => {
  it('names the kernel and the bias initializer selects apart for screen readers', async () => {
    const { pinia, i18n } = plugins();
    const experiment = useExperimentStore();
    experiment.selectedIndex = 0;
    const view = mount(LayerInspector, () => ({}), pinia, i18n);
    await nextTick();
    const labels = [...view.el.querySelectorAll('[data-testid="initializer-select"]')].map((s) => s.getAttribute('aria-label'));
    expect(labels).toEqual(['Kernel initializer', 'Bias initializer']);
    view.unmount();
  });

  it('moves the focus from the palette to the inserted layer’s card', async () => {
    const { pinia, i18n } = plugins();
    const experiment = useExperimentStore();
    const stack = mount(NetworkStack, () => ({}), pinia, i18n);
    const palette = mount(LayerPalette, () => ({}), pinia, i18n);
    const button = palette.el.querySelector<HTMLButtonElement>('[data-testid="palette-dropout"]')!;
    button.focus();
    button.click();
    await nextTick();
    await nextTick();
    expect(experiment.draft.network.layers.map((l) => l.type)).toEqual(['dense', 'dense', 'dropout', 'dense']);
    const focused = document.activeElement as HTMLElement;
    expect(focused.dataset.testid).toBe('layer-card');
    expect(focused.dataset.index).toBe('2');
    palette.unmount();
    stack.unmount();
  });

  it('lists ↑ and ↓ as alternatives, not a combination', () => {
    const select = SHORTCUTS.find((s) => s.action === 'builder.keySelect')!;
    expect(select.keys).toEqual(['↑']);
    expect(select.alt).toEqual(['↓']);
  });
});
