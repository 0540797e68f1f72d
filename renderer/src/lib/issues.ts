import type { ExperimentIssue } from './draft-validation.js';

type Translate = (key: string, named?: Record<string, unknown>) => string;
type TranslatePlural = (key: string, named: Record<string, unknown>, plural: number) => string;

const DATASET_FIELDS: Record<string, string> = { builtin: 'dataset', samples: 'samples', noise: 'noise', seed: 'dataSeed' };
const TRAIN_FIELDS: Record<string, string> = {
  epochs: 'epochs',
  batchSize: 'batchSize',
  loss: 'loss',
  validationSplit: 'validationSplit',
  seed: 'seed',
  parametrization: 'parametrization',
};
const LAYER_FIELDS = new Set([
  'units',
  'rate',
  'activation',
  'kernelInitializer',
  'biasInitializer',
  'filters',
  'kernelSize',
  'strides',
  'poolSize',
  'padding',
  'momentum',
  'epsilon',
]);
const PARAMS = new Set(['alpha', 'mean', 'std', 'min', 'max', 'gain', 'value', 'scale', 'mode', 'distribution']);

/** Names the field at a dotted path in the current language: `network.layers.1.units` → "Layer 2 units". */
export function describeField(path: string, t: Translate): string {
  const parts = path.split('.');
  const [head, second, third, fourth, fifth] = parts;
  if (path === '(root)') return t('fields.root');
  if (head === 'name') return t('fields.name');
  if (head === 'dataset') return t(`fields.${DATASET_FIELDS[second ?? ''] ?? 'dataset'}`);
  if (head === 'network') {
    if (second === 'inputShape') return t('fields.inputShape');
    if (second !== 'layers') return t('fields.network');
    if (third === undefined || !/^\d+$/.test(third)) return t('fields.layers');
    const n = Number(third) + 1;
    if (fourth === undefined || !LAYER_FIELDS.has(fourth)) return t('fields.layer', { n });
    let field = t(`fields.${fourth}`);
    if (fifth && PARAMS.has(fifth)) field = `${field} ${t(`network.param.${fifth}`)}`;
    return t('fields.layerField', { n, field });
  }
  if (head === 'train') {
    if (second === 'optimizer') {
      if (third === 'learningRate') return t('fields.learningRate');
      if (third === 'momentum') return t('fields.momentum');
      return t('fields.optimizer');
    }
    return t(`fields.${TRAIN_FIELDS[second ?? ''] ?? 'training'}`);
  }
  return path;
}

/** Phrases what is wrong, in the current language, from the issue's code and limits. */
export function describeProblem(issue: ExperimentIssue, t: Translate, tc: TranslatePlural): string {
  const p = issue.params;
  const origin = String(p.origin ?? '');
  switch (issue.code) {
    case 'shape':
      return t(`shapeErrors.${String(p.shapeCode)}`, p);
    case 'outputUnits':
      return t('errors.outputUnits', { n: p.n });
    case 'lastLayer':
    case 'regressionLoss':
    case 'regressionAccuracy':
      return t(`errors.${issue.code}`);
    case 'binaryClasses':
      return t('errors.binaryClasses', { n: p.n });
    case 'tooLarge':
      return t('errors.tooLarge', { estimate: p.estimate, limit: p.limit });
    case 'inputShape':
      return t('errors.inputShape', { shape: p.shape });
    case 'mupLayer':
      return t('errors.mupLayer', { n: p.n, type: t(`layerTypes.${String(p.type)}`) });
    case 'mupOptimizer':
      return t('errors.mupOptimizer', { optimizer: t(`training.optimizers.${String(p.optimizer)}`) });
    case 'mupNoHidden':
    case 'mupLsuv':
    case 'dataInitLsuv':
    case 'dataInitMup':
      return t(`errors.${issue.code}`);
    case 'invalid_type':
      if (p.expected === 'int') return t('errors.integer');
      if (p.expected === 'number') return t('errors.number');
      return t('errors.invalid');
    case 'too_small':
      if (origin === 'array') return tc('errors.minItems', { n: p.minimum }, Number(p.minimum));
      if (origin === 'number' || origin === 'int') return t(p.inclusive === 'false' ? 'errors.greater' : 'errors.min', { n: p.minimum });
      return t('errors.invalid');
    case 'too_big':
      if (origin === 'array') return t('errors.maxItems', { n: p.maximum });
      if (origin === 'number' || origin === 'int') return t(p.inclusive === 'false' ? 'errors.less' : 'errors.max', { n: p.maximum });
      return t('errors.invalid');
    default:
      return t('errors.invalid');
  }
}

/** "Layer 1 units: must be at least 1". */
export function describeIssue(issue: ExperimentIssue, t: Translate, tc: TranslatePlural): string {
  return t('validation.issue', { field: describeField(issue.path, t), message: describeProblem(issue, t, tc) });
}
