import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';

describe('preload bundle', () => {
  it('is one CommonJS file whose only require is electron (no zod, no local modules)', async () => {
    const result = await build({
      configFile: fileURLToPath(new URL('../../../preload/vite.config.ts', import.meta.url)),
      logLevel: 'silent',
      build: { write: false },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
    const chunks = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk');
    expect(chunks.map((c) => c.fileName)).toEqual(['preload.cjs']);
    const code = chunks[0]?.type === 'chunk' ? chunks[0].code : '';
    expect([...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s|\bimport\(/m);
    expect(code).not.toMatch(/\bz\.(object|string|enum|discriminatedUnion)\(/);
    expect(code).toContain('exposeInMainWorld');
  });
});
