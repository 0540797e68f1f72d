import {
  changeValueText,
  groupLabel,
  groupRuns,
  layerFieldKind,
  meanSd,
  semanticDiff,
  type MeanSd,
  type NameWords,
  type RunSummary,
  type SemanticChange,
  type SemanticDiff,
} from '../../../contract/index.js';

/** vue-i18n's `t` as this module uses it (named values, optional plural count). */
export type Translate = (key: string, named?: Record<string, unknown>, plural?: number) => string;

/** A seed group of the Compare view: its runs, seeds, one colour and a readable label (what differs). */
export interface CompareGroup {
  index: number;
  runs: RunSummary[];
  seeds: number[];
  color: string;
  label: string;
}

/** The compared runs' groups, their semantic diff and each run's group. */
export interface CompareGrouping {
  groups: CompareGroup[];
  diff: SemanticDiff;
  /** Group of each run id. */
  groupOf: Record<string, CompareGroup>;
}

/** Initializer and activation names in the UI language. */
export function nameWords(t: Translate): NameWords {
  return { initializer: (name) => t(`initializers.${name}`), activation: (name) => t(`activations.${name}`) };
}

/** A change's value in group `group`, in the UI language (`Glorot normal`, `Normal(0, 0.02)`, `12 layers`). */
export function valueText(change: SemanticChange, group: number, t: Translate): string {
  if (change.kind === 'field' && change.path === 'train.parametrization') return parametrizationValueText(change.values[group], t);
  const text = changeValueText(change, group, nameWords(t));
  return change.kind === 'layerCount' ? t('compare.layerCount', { n: text }) : text;
}

/** A run's parametrization in the UI language: `standard` (also a spec stored without one) or `μP (base 64, N(0, 1/fan_in) readout)`. */
function parametrizationValueText(value: unknown, t: Translate): string {
  const p = value as { name?: unknown; baseWidth?: unknown; outputInit?: unknown } | undefined;
  if (p?.name !== 'mup') return t('compare.parametrization.standard');
  return t('compare.parametrization.mup', { base: p.baseWidth, readout: t(`training.parametrization.outputInits.${String(p.outputInit)}`) });
}

/** The name of a layer field in the UI language (the key itself for fields without a message). */
function fieldText(field: string, t: Translate, te: (key: string) => boolean): string {
  const key = `compare.layerFields.${field}`;
  return te(key) ? t(key) : field;
}

/** What a change is about, in the UI language: `kernel initializer of all 10 hidden layers`, `train.batchSize`. */
export function subjectText(change: SemanticChange, t: Translate, te: (key: string) => boolean): string {
  if (change.kind === 'layerCount') return t('compare.diff.layerCount');
  if (change.kind === 'field') return change.path;
  const field = fieldText(change.field, t, te);
  const n = change.layers.length;
  if (change.scope === 'all') return t('compare.diff.layersAll', { field, n });
  if (change.scope === 'hidden') return t('compare.diff.layersHidden', { field, n });
  return t('compare.diff.layersListed', { field, list: change.layers.map((i) => i + 1).join(', ') }, n);
}

/** Part of a group label for one change: the value, with the field's name where the value alone says little. */
function labelPart(change: SemanticChange, group: number, t: Translate, te: (key: string) => boolean): string {
  const text = valueText(change, group, t);
  if (change.kind === 'layerCount') return text;
  if (change.kind === 'layers') return layerFieldKind(change.field) === 'plain' ? `${fieldText(change.field, t, te)} ${text}` : text;
  const value = change.values[group];
  const named = value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string';
  return named ? text : `${change.path.split('.').at(-1)} ${text}`;
}

/** `seeds 1, 2, 3` in the UI language. */
export function seedListText(seeds: readonly number[], t: Translate): string {
  return t('compare.seedList', { list: seeds.join(', ') }, seeds.length);
}

/**
 * Groups the compared runs (runs differing only in seed pooled), words the semantic diff and gives each
 * group a colour from `palette` (by group order) and a label (its values of what differs; the first
 * run's name when nothing but seeds differs).
 */
export function groupCompared(runs: readonly RunSummary[], palette: readonly string[], t: Translate, te: (key: string) => boolean): CompareGrouping {
  const raw = groupRuns(runs, (r) => r.experiment);
  const diff = semanticDiff(
    raw.map((g) => g.runs[0]!.experiment),
    raw.map((g) => g.seeds),
  );
  const groups = raw.map((g) => ({
    index: g.index,
    runs: g.runs,
    seeds: g.seeds,
    color: palette[g.index % palette.length]!,
    label: groupLabel(diff, g.index, g.runs[0]!.name, (c, i) => labelPart(c, i, t, te)),
  }));
  const groupOf: Record<string, CompareGroup> = {};
  for (const group of groups) for (const run of group.runs) groupOf[run.id] = group;
  return { groups, diff, groupOf };
}

/** A final metric of a group: mean ± sd over its runs' stored values (null, NaN skipped). */
export function groupMetric(group: Pick<CompareGroup, 'runs'>, pick: (run: RunSummary) => number | null | undefined): MeanSd {
  return meanSd(group.runs.map(pick));
}
