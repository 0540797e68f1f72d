import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, BUILTIN_DATASET_NAMES, ExportFormat, InitializerSpec, LossName, OptimizerSpec, RunStatus } from '../../../contract/index.js';
import { datasetImportMessages } from '../../../renderer/src/components/datasets/messages.js';
import en from '../../../renderer/src/i18n/en.js';
import zhCN from '../../../renderer/src/i18n/zh-CN.js';
import { LAYER_TYPES } from '../../../renderer/src/lib/layer-kinds.js';
import { REMEDIES } from '../../../renderer/src/lib/remedies.js';

const SRC = fileURLToPath(new URL('../../../renderer/src/', import.meta.url));

/** Every .ts and .vue file under `dir`, except the message catalogues themselves. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sources(path);
    return /\.(ts|vue)$/.test(name) ? [path] : [];
  });
}

/** The message at dotted `key`, or undefined when it is missing or not a string (a subtree). */
function message(tree: object, key: string): string | undefined {
  const value = key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree);
  return typeof value === 'string' ? value : undefined;
}

/**
 * Literal keys passed to `t`, `$t` or `tc` (`t('builder.save')`, `$t("nav.build", …)`): a dotted key in
 * quotes as the first argument. `te('…')` only asks whether a key exists, so it is not a use.
 */
function literalKeys(text: string): string[] {
  const found = text.matchAll(/(?<![\w$.])\$?tc?\(\s*(['"])([A-Za-z][\w-]*(?:\.[\w-]+)+)\1/g);
  return [...found].map((m) => m[2]!);
}

const catalogues = { en, 'zh-CN': zhCN } as const;
const LOCALES = Object.keys(catalogues) as (keyof typeof catalogues)[];

/** `keys` missing (or not a string) in either language, as "locale: key". */
function missing(keys: readonly string[], local?: Record<keyof typeof catalogues, object>): string[] {
  return LOCALES.flatMap((locale) =>
    keys.filter((k) => message(catalogues[locale], k) === undefined && !(local && message(local[locale], k) !== undefined)).map((k) => `${locale}: ${k}`),
  );
}

describe('translation keys used by the renderer', () => {
  it('finds literal keys (the scan itself works)', () => {
    expect(literalKeys(`t('a.b') $t("c.d", { n }) tc('e.f', 2) te('g.h') x.t('i.j') t(\`k.\${x}\`) t('nodot')`)).toEqual(['a.b', 'c.d', 'e.f']);
    expect(missing(['builder.save', 'builder.noSuchKey'])).toEqual(['en: builder.noSuchKey', 'zh-CN: builder.noSuchKey']);
  });

  it('has every literal key of every source file in en and zh-CN', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(50);
    const problems: string[] = [];
    let count = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const keys = literalKeys(text);
      count += keys.length;
      // Components that add their own messages (useI18n({ messages })) may use those keys too.
      const local = text.includes('datasetImportMessages') ? datasetImportMessages : undefined;
      problems.push(...missing(keys, local).map((p) => `${relative(SRC, file)}: ${p}`));
    }
    expect(count).toBeGreaterThan(300);
    expect(problems).toEqual([]);
  });

  it('names every contract enum value the UI shows by a key built from it', () => {
    const optimizers = OptimizerSpec.options.map((o) => o.shape.name.value);
    const initializers = InitializerSpec.options.map((o) => o.shape.name.value);
    const keys = [
      ...optimizers.map((n) => `training.optimizers.${n}`),
      ...LossName.options.map((n) => `training.losses.${n}`),
      ...BUILTIN_DATASET_NAMES.flatMap((n) => [`dataset.names.${n}`, `dataset.descriptions.${n}`]),
      ...ACTIVATION_NAMES.map((n) => `activations.${n}`),
      ...initializers.map((n) => `initializers.${n}`),
      ...RunStatus.options.map((n) => `status.${n}`),
      ...ExportFormat.options.flatMap((n) => [`export.formats.${n}`, `export.help.${n}`]),
      ...LAYER_TYPES.flatMap((n) => [`layerTypes.${n}.name`, `layerTypes.${n}.blurb`, `layerTypes.${n}.help`]),
      ...REMEDIES.map((r) => `remedies.${r}`),
      // Findings (lib/diagnostics.ts): every kind's name and the texts diagnose() picks.
      ...['diverged', 'vanishingGradients', 'explodingGradients', 'deadRelu', 'saturation', 'collapsingSignal'].flatMap((k) => [
        `findings.${k}.name`,
        `findings.${k}.explain`,
      ]),
      'findings.vanishingGradients.explainZero',
      'findings.explodingGradients.explainNorm',
      'findings.collapsingSignal.explainZero',
    ];
    expect(optimizers).toContain('adamw');
    expect(LossName.options).toContain('categoricalCrossentropy');
    expect(missing(keys)).toEqual([]);
  });
});
