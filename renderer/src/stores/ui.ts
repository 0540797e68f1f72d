import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

/** The workbench's views, in tab order. */
export const VIEWS = ['build', 'run', 'compare', 'sweeps', 'lab'] as const;
export type View = (typeof VIEWS)[number];
export type Theme = 'light' | 'dark';

const VIEW_KEY = 'initscope.view';
const THEME_KEY = 'initscope.theme';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function initialTheme(): Theme {
  const saved = storage()?.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  const prefersDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return prefersDark ? 'dark' : 'light';
}

function initialView(): View {
  const saved = storage()?.getItem(VIEW_KEY);
  return (VIEWS as readonly string[]).includes(saved ?? '') ? (saved as View) : 'build';
}

/** Which view is shown and the colour theme; both remembered across reloads. */
export const useUiStore = defineStore('ui', () => {
  const view = ref<View>(initialView());
  const theme = ref<Theme>(initialTheme());

  function applyTheme(value: Theme): void {
    if (typeof document !== 'undefined') {
      document.documentElement.dataset.theme = value;
      document.documentElement.style.colorScheme = value;
    }
  }
  applyTheme(theme.value);

  watch(view, (v) => storage()?.setItem(VIEW_KEY, v));
  watch(theme, (t) => {
    storage()?.setItem(THEME_KEY, t);
    applyTheme(t);
  });

  function show(next: View): void {
    view.value = next;
  }

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
  }

  return { view, theme, show, toggleTheme };
});
