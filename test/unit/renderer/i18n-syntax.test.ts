import { baseCompile } from '@intlify/message-compiler';
import { describe, expect, it } from 'vitest';
import en from '../../../renderer/src/i18n/en.js';
import zhCN from '../../../renderer/src/i18n/zh-CN.js';

/*
 * Every message must compile with vue-i18n's own message compiler: a bare `|` splits a message into
 * plural forms and `|x|` (an absolute value) is a syntax error at run time ("SyntaxError: 11", the
 * component that uses it is not rendered). Write a literal bar as {'|'}.
 */

/** Every string leaf of a message tree, as [dotted key, message]. */
function leaves(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : v && typeof v === 'object' ? leaves(v as object, `${prefix}${k}.`) : [],
  );
}

describe('i18n message syntax', () => {
  for (const [locale, tree] of [
    ['en', en],
    ['zh-CN', zhCN],
  ] as const) {
    it(`${locale}: every message compiles`, () => {
      const bad: string[] = [];
      for (const [key, text] of leaves(tree)) {
        baseCompile(text, { onError: (e) => bad.push(`${key}: ${e.message} in ${JSON.stringify(text)}`) });
      }
      expect(bad).toEqual([]);
    });
  }

  it('the check catches a bare |x|', () => {
    const errors: number[] = [];
    baseCompile('Mean |bias shift|', { onError: (e) => errors.push(e.code) });
    expect(errors.length).toBeGreaterThan(0);
  });
});
