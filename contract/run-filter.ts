import { InitScopeError } from './errors.js';
import { isStoredDatasetRef } from './dataset.js';
import type { ExperimentSpec } from './experiment.js';
import type { RunStatus } from './run.js';
import { ENGLISH_RUN_NAME_LABELS, activationName, architectureName, datasetName, initializerName, optimizerName, type RunNameTemplates } from './run-name.js';

/**
 * Searching and grouping runs by their configuration, the same way in the CLI (`runs ls --filter`),
 * the host (`runs/list` with `filter`) and the run list in the renderer.
 *
 * A filter is text: whitespace-separated terms, each either `field=value` (also `field:value`) or free
 * text; quotes keep spaces inside one term (`initializer="Glorot N"`). Every term must match (AND);
 * several values of one field match any of them (OR: `activation=tanh activation=relu`). A field value
 * matches a run's value written as the internal name or as its label, ignoring case, spaces, `-` and
 * `_` (`initializer=glorotNormal`, `initializer="glorot n"`). Free text matches, as a case-insensitive
 * substring, the run's name, notes, tags, experiment name, id and every field's labels.
 */

/** The configuration fields runs can be filtered and grouped by. */
export const RUN_FILTER_FIELDS = ['activation', 'initializer', 'optimizer', 'dataset', 'architecture', 'loss', 'seed', 'status', 'tag'] as const;
export type RunFilterField = (typeof RUN_FILTER_FIELDS)[number];

/** Short names accepted for fields. */
const ALIASES: Record<string, RunFilterField> = {
  act: 'activation',
  init: 'initializer',
  opt: 'optimizer',
  data: 'dataset',
  arch: 'architecture',
  tags: 'tag',
};

/** A parsed filter: free-text terms (lower case) and wanted values per field. */
export interface RunFilter {
  text: string[];
  fields: Partial<Record<RunFilterField, string[]>>;
}

/** What filtering needs of a run (a {@link RunSummary} has all of it). */
export interface FilterableRun {
  id: string;
  name: string;
  status: RunStatus;
  experiment: ExperimentSpec;
  tags?: string[] | undefined;
  notes?: string | undefined;
  /** The name of the imported dataset the experiment names by id (null/absent: built-in or unknown). */
  datasetName?: string | null | undefined;
}

/** Most characters of a filter text. */
export const MAX_FILTER_LENGTH = 1000;

/** The canonical field for a name or alias, or undefined. */
export function filterFieldOf(name: string): RunFilterField | undefined {
  const lower = name.toLowerCase();
  return (RUN_FILTER_FIELDS as readonly string[]).includes(lower) ? (lower as RunFilterField) : ALIASES[lower];
}

/** Splits on whitespace, keeping double-quoted stretches (quotes removed) inside one term. */
function terms(text: string): string[] {
  return [...text.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((m) => m[0].replace(/"/g, '')).filter((t) => t.length > 0);
}

/**
 * Parses filter text (see the module comment).
 * @throws InitScopeError `invalid_input` naming an unknown field (`foo=bar`) or an empty value
 */
export function parseRunFilter(text: string): RunFilter {
  if (text.length > MAX_FILTER_LENGTH) throw new InitScopeError('invalid_input', `filter: at most ${MAX_FILTER_LENGTH} characters, got ${text.length}`);
  const filter: RunFilter = { text: [], fields: {} };
  for (const term of terms(text)) {
    const match = /^([A-Za-z]+)[=:](.*)$/.exec(term);
    if (!match) {
      filter.text.push(term.toLowerCase());
      continue;
    }
    const field = filterFieldOf(match[1]!);
    if (!field) throw new InitScopeError('invalid_input', `filter: unknown field "${match[1]}" in "${term}" (fields: ${RUN_FILTER_FIELDS.join(', ')})`);
    if (!match[2]) throw new InitScopeError('invalid_input', `filter: "${term}" needs a value after the field name`);
    (filter.fields[field] ??= []).push(match[2]);
  }
  return filter;
}

/** Writes a filter back as text (`parseRunFilter(formatRunFilter(f))` equals `f`). */
export function formatRunFilter(filter: RunFilter): string {
  const quote = (v: string) => (/[\s"]/.test(v) ? `"${v.replace(/"/g, '')}"` : v);
  const fields = Object.entries(filter.fields).flatMap(([field, values]) => (values ?? []).map((v) => `${field}=${quote(v)}`));
  return [...fields, ...filter.text.map(quote)].join(' ');
}

/** Lower case without spaces, `-` and `_`: how field values are compared. */
function normal(value: string): string {
  return value.toLowerCase().replace(/[\s_-]+/g, '');
}

type WeightLayer = Extract<ExperimentSpec['network']['layers'][number], { type: 'dense' | 'conv2d' }>;

function hidden(experiment: ExperimentSpec): WeightLayer[] {
  const all = experiment.network.layers.filter((l): l is WeightLayer => l.type === 'dense' || l.type === 'conv2d');
  return all.length > 1 ? all.slice(0, -1) : all;
}

/**
 * A run's values of one field as labels (in the language of `labels`), distinct, in layer order:
 * what grouping shows. Activation and initializer list every hidden layer's; tags may be none.
 */
export function fieldLabels(run: FilterableRun, field: RunFilterField, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): string[] {
  const e = run.experiment;
  const values = ((): string[] => {
    switch (field) {
      case 'activation':
        return hidden(e).map((l) => activationName(l.activation, labels));
      case 'initializer':
        return hidden(e).map((l) => initializerName(l.kernelInitializer, labels));
      case 'optimizer':
        return [optimizerName(e.train.optimizer, labels)];
      case 'dataset':
        return [datasetName(e, run.datasetName, labels)];
      case 'architecture':
        return [architectureName(e, labels)];
      case 'loss':
        return [e.train.loss];
      case 'seed':
        return [String(e.train.seed)];
      case 'status':
        return [run.status];
      case 'tag':
        return run.tags ?? [];
    }
  })();
  return [...new Set(values)];
}

/** A run's values of one field as internal names (`glorotNormal`, `adam`, `spiral` or `ds_…`, `cnn`). */
function fieldIds(run: FilterableRun, field: RunFilterField): string[] {
  const e = run.experiment;
  switch (field) {
    case 'activation':
      return hidden(e).map((l) => l.activation.name);
    case 'initializer':
      return hidden(e).map((l) => l.kernelInitializer.name);
    case 'optimizer':
      return [e.train.optimizer.name];
    case 'dataset':
      return [isStoredDatasetRef(e.dataset) ? e.dataset.id : e.dataset.builtin];
    case 'architecture':
      return [e.network.layers.some((l) => l.type === 'conv2d') ? 'cnn' : 'mlp'];
    default:
      return [];
  }
}

/** Every way a run's field may be written in a filter: internal names and labels (English and `labels`). */
function fieldCandidates(run: FilterableRun, field: RunFilterField, labels: RunNameTemplates): Set<string> {
  const all = [...fieldIds(run, field), ...fieldLabels(run, field), ...(labels === ENGLISH_RUN_NAME_LABELS ? [] : fieldLabels(run, field, labels))];
  return new Set(all.map(normal));
}

/** The lower-case text free-text terms search in. */
function haystack(run: FilterableRun, labels: RunNameTemplates): string {
  const parts = [run.id, run.name, run.notes ?? '', run.experiment.name, ...(run.tags ?? [])];
  for (const field of RUN_FILTER_FIELDS) {
    parts.push(...fieldIds(run, field), ...fieldLabels(run, field));
    if (labels !== ENGLISH_RUN_NAME_LABELS) parts.push(...fieldLabels(run, field, labels));
  }
  return parts.join('\n').toLowerCase();
}

/**
 * True when `run` matches every term of `filter`. `labels`: a second language whose labels also match
 * (the renderer's), and `extraText`: more text free terms may match (e.g. the name as displayed).
 */
export function matchesRunFilter(run: FilterableRun, filter: RunFilter, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS, extraText = ''): boolean {
  for (const [field, wanted] of Object.entries(filter.fields) as Array<[RunFilterField, string[]]>) {
    const have = fieldCandidates(run, field, labels);
    if (!wanted.some((w) => have.has(normal(w)))) return false;
  }
  if (filter.text.length === 0) return true;
  const text = `${haystack(run, labels)}\n${extraText.toLowerCase()}`;
  return filter.text.every((term) => text.includes(term));
}

/** The runs that match `filter`, in their given order (see {@link matchesRunFilter}). */
export function filterRuns<R extends FilterableRun>(runs: readonly R[], filter: RunFilter, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): R[] {
  const empty = filter.text.length === 0 && Object.keys(filter.fields).length === 0;
  return empty ? [...runs] : runs.filter((r) => matchesRunFilter(r, filter, labels));
}

/** One group of runs: the label of the field's value (or '' for runs without one, e.g. untagged). */
export interface RunFieldGroup<R> {
  label: string;
  runs: R[];
}

/**
 * Groups runs by a field's label, groups in order of first appearance (so newest-first runs give the
 * newest group first); a run with several values (layers with different activations, several tags)
 * is in the group of each; runs without any value form the group labelled ''.
 */
export function groupRunsByField<R extends FilterableRun>(
  runs: readonly R[],
  field: RunFilterField,
  labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS,
): RunFieldGroup<R>[] {
  const groups = new Map<string, R[]>();
  for (const run of runs) {
    const keys = fieldLabels(run, field, labels);
    for (const key of keys.length ? keys : ['']) {
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(run);
    }
  }
  return [...groups].map(([label, list]) => ({ label, runs: list }));
}
