import { createI18n } from 'vue-i18n';
import en, { type MessageSchema } from './en.js';
import zhCN from './zh-CN.js';

/** Locales the UI ships with, in the order the language switch lists them. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** localStorage key that remembers the chosen language. */
export const LOCALE_STORAGE_KEY = 'initscope.locale';

export const messages: Record<Locale, MessageSchema> = { en, 'zh-CN': zhCN };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (privacy mode, sandboxed file://)
  }
}

/** The remembered language, else the browser's (Chinese variants map to zh-CN), else English. */
export function initialLocale(): Locale {
  const saved = safeStorage()?.getItem(LOCALE_STORAGE_KEY);
  if (isLocale(saved)) return saved;
  const languages = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  return languages.some((l) => /^zh\b/i.test(l ?? '')) ? 'zh-CN' : 'en';
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages,
  missingWarn: false,
  fallbackWarn: false,
});

/** Switches the UI language, remembers it and updates `<html lang>`. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  safeStorage()?.setItem(LOCALE_STORAGE_KEY, locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}
