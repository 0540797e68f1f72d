// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import en from '../../../renderer/src/i18n/en.js';
import zhCN from '../../../renderer/src/i18n/zh-CN.js';

/** Every leaf key of a message tree, dotted. */
function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function leaf(tree: object, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree);
}

describe('UI messages', () => {
  it('has every English key in zh-CN and vice versa', () => {
    const enKeys = keys(en).sort();
    const zhKeys = keys(zhCN).sort();
    expect(zhKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !zhKeys.includes(k))).toEqual([]);
    expect(enKeys.length).toBeGreaterThan(100);
  });

  it('has no empty message and keeps the same placeholders in both languages', () => {
    for (const key of keys(en)) {
      const a = String(leaf(en, key));
      const b = String(leaf(zhCN, key));
      expect(a.trim(), key).not.toBe('');
      expect(b.trim(), key).not.toBe('');
      const names = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(names(b), key).toEqual(names(a));
    }
  });

  it('compiles every message in both languages (no stray @, | or braces)', () => {
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { en, 'zh-CN': zhCN } });
    for (const locale of ['en', 'zh-CN'] as const) {
      i18n.global.locale.value = locale;
      for (const key of keys(en)) {
        expect(() => i18n.global.t(key, { n: 1, name: 'x' }), `${locale} ${key}`).not.toThrow();
      }
    }
  });
});
