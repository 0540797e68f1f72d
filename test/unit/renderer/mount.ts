import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createApp, h, type Component } from 'vue';
import { createI18n } from 'vue-i18n';
import { messages } from '../../../renderer/src/i18n/index.js';

/** A fresh Pinia and an English i18n (Composition API), as the renderer's main.ts installs them. */
export function plugins() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'en', messages, missingWarn: false, fallbackWarn: false });
  return { pinia, i18n };
}

/**
 * Mounts `component` in happy-dom's document with `props()` re-read on every render (so a test can
 * pass store state reactively). Returns the host element and an unmount function.
 */
export function mount(component: Component, props: () => Record<string, unknown>, pinia: Pinia, i18n: ReturnType<typeof plugins>['i18n']) {
  const el = document.createElement('div');
  document.body.append(el);
  const app = createApp({ render: () => h(component, props()) });
  app.use(pinia).use(i18n).mount(el);
  return {
    el,
    unmount: () => {
      app.unmount();
      el.remove();
    },
  };
}
