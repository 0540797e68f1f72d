import type { ActivationSpec } from './activation.js';
import type { ExperimentSpec } from './experiment.js';
import type { InitializerSpec } from './initializer.js';

/**
 * What differs between the seed groups of a comparison, said the way a person would say it: one change
 * of initializer on all hidden layers is one line ("kernel initializer of all 10 hidden layers:
 * Normal(0, 0.02) → Glorot normal"), not 30 field paths; the seeds inside each group are a summary, not a
 * difference. Fields that have no better wording fall back to their dotted path. Pure: the Compare view
 * words it through i18n, the HTML report and the CLI in English ({@link describeChange}).
 */

/** Layer fields whose value is an initializer spec, and those whose value is an activation spec. */
const INITIALIZER_FIELDS = new Set(['kernelInitializer', 'biasInitializer']);
const ACTIVATION_FIELDS = new Set(['activation']);

/** The same layer field changed the same way on several layers. */
export interface LayerChange {
  kind: 'layers';
  /** The layer's key, e.g. `kernelInitializer`, `activation`, `units`. */
  field: string;
  /** 0-based indices of the layers changed, increasing. */
  layers: number[];
  /**
   * `all`: every layer that has the field; `hidden`: every such layer but the last (the output layer kept
   * its own); `listed`: some of them (see `layers`).
   */
  scope: 'all' | 'hidden' | 'listed';
  /** The field's value in each group, in group order (the same on every layer of `layers`). */
  values: unknown[];
}

/** The number of layers differs between groups. */
export interface LayerCountChange {
  kind: 'layerCount';
  values: number[];
}

/** Any other field: its dotted path and value per group (undefined where a group lacks it). */
export interface FieldChange {
  kind: 'field';
  /** e.g. `train.optimizer.learningRate`; a whole object when its `name` differs (`train.optimizer`). */
  path: string;
  values: unknown[];
}

export type SemanticChange = LayerChange | LayerCountChange | FieldChange;

/** The semantic diff of a comparison: the changes between groups, and each group's seeds. */
export interface SemanticDiff {
  changes: SemanticChange[];
  /** Seeds of each group, increasing. */
  seeds: number[][];
}

const same = (values: readonly unknown[]) => values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Field changes of a JSON subtree, one per differing leaf, except that an object whose `name` differs
 * between groups (an optimizer, a schedule) is one change of the whole object.
 */
function fieldChanges(values: readonly unknown[], path: string, out: FieldChange[]): void {
  if (same(values)) return;
  const objects = values.every(isObject);
  if (objects && values.some((v) => (v as Record<string, unknown>).name !== (values[0] as Record<string, unknown>).name)) {
    out.push({ kind: 'field', path, values: [...values] });
    return;
  }
  if (objects || values.every(Array.isArray)) {
    const keys = new Set(values.flatMap((v) => Object.keys(v as object)));
    for (const key of keys)
      fieldChanges(
        values.map((v) => (v as Record<string, unknown>)[key]),
        path ? `${path}.${key}` : key,
        out,
      );
    return;
  }
  out.push({ kind: 'field', path, values: [...values] });
}

/**
 * The changes between groups' layers: for each layer field, the layers where it differs, split by how
 * it differs (one change per distinct list of per-group values), with the scope named when it covers all
 * (hidden) layers that have the field. Layers past the shortest network are covered by a layer-count change.
 */
function layerChanges(networks: readonly Record<string, unknown>[][]): SemanticChange[] {
  const changes: SemanticChange[] = [];
  const counts = networks.map((layers) => layers.length);
  if (!same(counts)) changes.push({ kind: 'layerCount', values: counts });
  const common = Math.min(...counts);
  const byField = new Map<string, Map<string, { layers: number[]; values: unknown[] }>>();
  for (let i = 0; i < common; i += 1) {
    const layers = networks.map((n) => n[i]!);
    const keys = new Set(layers.flatMap((l) => Object.keys(l)));
    for (const key of keys) {
      const values = layers.map((l) => l[key]);
      if (same(values)) continue;
      const signature = JSON.stringify(values);
      let bySignature = byField.get(key);
      if (!bySignature) byField.set(key, (bySignature = new Map()));
      const entry = bySignature.get(signature);
      if (entry) entry.layers.push(i);
      else bySignature.set(signature, { layers: [i], values });
    }
  }
  for (const [field, bySignature] of byField) {
    // Layers that have the field, in the first group's network (e.g. every dense layer for an initializer).
    const having = networks[0]!.flatMap((l, i) => (i < common && field in l ? [i] : []));
    const hidden = having.slice(0, -1);
    for (const { layers, values } of bySignature.values()) {
      const equal = (a: number[], b: number[]) => a.length === b.length && a.every((v, j) => v === b[j]);
      const scope = equal(layers, having) && layers.length > 1 ? 'all' : hidden.length > 1 && equal(layers, hidden) ? 'hidden' : 'listed';
      changes.push({ kind: 'layers', field, layers, scope, values });
    }
  }
  return changes;
}

/**
 * The semantic diff between seed groups (see the module comment).
 * @param experiments one experiment per group (any member: members differ only in seed and name)
 * @param seeds the seeds of each group, in the same order
 */
export function semanticDiff(experiments: readonly ExperimentSpec[], seeds: readonly (readonly number[])[]): SemanticDiff {
  if (experiments.length !== seeds.length) throw new Error(`semanticDiff: ${experiments.length} experiments but ${seeds.length} seed lists`);
  const changes: SemanticChange[] = [];
  if (experiments.length > 1) {
    changes.push(...layerChanges(experiments.map((e) => e.network.layers as unknown as Record<string, unknown>[])));
    const rest: FieldChange[] = [];
    // A spec written before train.parametrization existed is standard (as the schema's default says).
    const strip = (e: ExperimentSpec) => ({
      dataset: e.dataset,
      network: { ...e.network, layers: undefined },
      train: { ...e.train, seed: undefined, parametrization: e.train.parametrization ?? { name: 'standard' } },
    });
    fieldChanges(experiments.map(strip), '', rest);
    changes.push(...rest);
  }
  return { changes, seeds: seeds.map((s) => [...s].sort((a, b) => a - b)) };
}

/** How names of initializers and activations are shown (English in the report, i18n in the app). */
export interface NameWords {
  initializer(name: InitializerSpec['name']): string;
  activation(name: ActivationSpec['name']): string;
}

/** English display names (the app's en locale uses the same words). */
export const ENGLISH_NAMES: NameWords = {
  initializer: (name) =>
    ({
      glorotNormal: 'Glorot normal',
      glorotTruncatedNormal: 'Glorot truncated normal',
      glorotUniform: 'Glorot uniform',
      heNormal: 'He normal',
      heTruncatedNormal: 'He truncated normal',
      heUniform: 'He uniform',
      lecunNormal: 'LeCun normal',
      lecunTruncatedNormal: 'LeCun truncated normal',
      lecunUniform: 'LeCun uniform',
      normal: 'Normal',
      uniform: 'Uniform',
      truncatedNormal: 'Truncated normal',
      orthogonal: 'Orthogonal',
      zeros: 'Zeros',
      ones: 'Ones',
      constant: 'Constant',
      varianceScaling: 'Variance scaling',
    })[name] ?? name,
  activation: (name) =>
    ({
      linear: 'Linear',
      sigmoid: 'Sigmoid',
      tanh: 'tanh',
      relu: 'ReLU',
      leakyRelu: 'Leaky ReLU',
      elu: 'ELU',
      selu: 'SELU',
      gelu: 'GELU',
      swish: 'Swish',
      softplus: 'Softplus',
      softsign: 'Softsign',
      hardSigmoid: 'Hard sigmoid',
      relu6: 'ReLU6',
      softmax: 'Softmax',
    })[name] ?? name,
};

/** An initializer with the parameters that tell it apart: `Normal(0, 0.02)`, `Uniform(-0.05, 0.05)`, `Glorot normal`. */
export function initializerText(spec: InitializerSpec, words: NameWords = ENGLISH_NAMES): string {
  const name = words.initializer(spec.name);
  switch (spec.name) {
    case 'normal':
    case 'truncatedNormal':
      return `${name}(${spec.mean}, ${spec.std})`;
    case 'uniform':
      return `${name}(${spec.min}, ${spec.max})`;
    case 'constant':
      return `${name}(${spec.value})`;
    case 'orthogonal':
      return spec.gain === 1 ? name : `${name}(×${spec.gain})`;
    case 'varianceScaling':
      return `${name}(${spec.scale}, ${spec.mode}, ${spec.distribution})`;
    default:
      return name;
  }
}

/** An activation with its parameter: `tanh`, `Leaky ReLU(0.01)`. */
export function activationText(spec: ActivationSpec, words: NameWords = ENGLISH_NAMES): string {
  const name = words.activation(spec.name);
  return 'alpha' in spec ? `${name}(${spec.alpha})` : name;
}

/** Any other value: text as is, numbers as JS prints them, objects as `name(key value, …)` or compact JSON; absent as `—`. */
function plainText(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.name === 'string') {
    const params = Object.entries(value).filter(([k]) => k !== 'name');
    return params.length ? `${value.name}(${params.map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')})` : value.name;
  }
  return JSON.stringify(value);
}

/** A parametrization as English text: `standard` (also for a spec stored without one), `μP (base 64, gaussian readout)`. */
export function parametrizationText(value: unknown): string {
  if (!isObject(value) || value.name !== 'mup') return 'standard';
  return `μP (base ${String(value.baseWidth)}, ${String(value.outputInit)} readout)`;
}

/** The value of `change` in group `group`, as display text. */
export function changeValueText(change: SemanticChange, group: number, words: NameWords = ENGLISH_NAMES): string {
  const value = change.values[group];
  if (change.kind === 'field' && change.path === 'train.parametrization') return parametrizationText(value);
  if (change.kind === 'layers' && value !== undefined && isObject(value) && typeof value.name === 'string') {
    if (INITIALIZER_FIELDS.has(change.field)) return initializerText(value as InitializerSpec, words);
    if (ACTIVATION_FIELDS.has(change.field)) return activationText(value as ActivationSpec, words);
  }
  return plainText(value);
}

/** English name of a layer field: `kernel initializer`, `units`. */
function fieldWords(field: string): string {
  return field.replace(/([A-Z])/g, ' $1').toLowerCase();
}

/** English subject of a change: `kernel initializer of all 10 hidden layers`, `train.optimizer.learningRate`. */
export function changeSubject(change: SemanticChange): string {
  if (change.kind === 'layerCount') return 'number of layers';
  if (change.kind === 'field') return change.path;
  const n = change.layers.length;
  const where =
    change.scope === 'all'
      ? `all ${n} layers`
      : change.scope === 'hidden'
        ? `all ${n} hidden layers`
        : `layer${n > 1 ? 's' : ''} ${change.layers.map((i) => i + 1).join(', ')}`;
  return `${fieldWords(change.field)} of ${where}`;
}

/** One English line per change: `kernel initializer of all 10 hidden layers: Normal(0, 0.02) → Glorot normal` (` · ` between 3+ groups). */
export function describeChange(change: SemanticChange): string {
  const values = change.values.map((_, i) => changeValueText(change, i));
  return `${changeSubject(change)}: ${values.join(values.length === 2 ? ' → ' : ' · ')}`;
}

/** English summary of one group's seeds: `seed 4`, `seeds 1, 2, 3`. */
export function seedsText(seeds: readonly number[]): string {
  return `seed${seeds.length === 1 ? '' : 's'} ${seeds.join(', ')}`;
}

/** English part of a group label for one change: the value, with the field's name where the value alone says little (`units 32`, `learningRate 0.001`, `12 layers`). */
export function labelPart(change: SemanticChange, group: number): string {
  const text = changeValueText(change, group);
  if (change.kind === 'layerCount') return `${text} layers`;
  if (change.kind === 'layers')
    return INITIALIZER_FIELDS.has(change.field) || ACTIVATION_FIELDS.has(change.field) ? text : `${fieldWords(change.field)} ${text}`;
  const value = change.values[group];
  return isObject(value) && typeof value.name === 'string' ? text : `${change.path.split('.').at(-1)} ${text}`;
}

/**
 * A short readable label of group `group`: its parts (see {@link labelPart}) for the first `maxParts`
 * changes joined by ` · ` (`Glorot normal`, `He normal · learningRate 0.001`), `+N` when more differ;
 * `fallback` when nothing differs.
 */
export function groupLabel(
  diff: SemanticDiff,
  group: number,
  fallback: string,
  part: (change: SemanticChange, group: number) => string = labelPart,
  maxParts = 2,
): string {
  if (diff.changes.length === 0) return fallback;
  const parts = diff.changes.slice(0, maxParts).map((c) => part(c, group));
  const more = diff.changes.length - maxParts;
  return more > 0 ? `${parts.join(' · ')} +${more}` : parts.join(' · ');
}

/** Whether a layer field's values are initializers or activations (worded by name), else plain values. */
export function layerFieldKind(field: string): 'initializer' | 'activation' | 'plain' {
  return INITIALIZER_FIELDS.has(field) ? 'initializer' : ACTIVATION_FIELDS.has(field) ? 'activation' : 'plain';
}
