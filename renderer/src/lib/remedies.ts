import type { ActivationName, InitializerSpec, LayerSpec } from '../../../contract/index.js';

/** Changes the diagnosis can suggest; the UI words each (`remedies.<key>`). */
export const REMEDIES = ['heInit', 'glorotInit', 'lecunInit', 'leakyRelu', 'reluFamily', 'lowerLr', 'fewerLayers', 'batchNorm'] as const;
export type Remedy = (typeof REMEDIES)[number];

/** Problems the diagnosis names (see lib/diagnostics.ts). */
export type RemedyFor = 'diverged' | 'vanishingGradients' | 'explodingGradients' | 'deadRelu' | 'saturation' | 'collapsingSignal';

type InitFamily = 'he' | 'glorot' | 'lecun' | 'orthogonal' | 'fixed';

const RELU_FAMILY: readonly ActivationName[] = ['relu', 'leakyRelu', 'relu6', 'elu', 'gelu', 'swish'];
const SQUASHING: readonly ActivationName[] = ['tanh', 'sigmoid', 'softsign', 'hardSigmoid'];

/**
 * The variance-preserving family of an initializer: He (Var = 2/fan_in), Glorot (2/(fan_in+fan_out)),
 * LeCun (1/fan_in), orthogonal, or `fixed` (a scale that ignores the layer's fans: normal, uniform,
 * zeros…). Variance scaling is placed by its scale and mode.
 */
export function initFamily(init: InitializerSpec): InitFamily {
  switch (init.name) {
    case 'heNormal':
    case 'heUniform':
      return 'he';
    case 'glorotNormal':
    case 'glorotUniform':
      return 'glorot';
    case 'lecunNormal':
    case 'lecunUniform':
      return 'lecun';
    case 'orthogonal':
      return 'orthogonal';
    case 'varianceScaling':
      if (init.mode === 'fanIn') return init.scale === 2 ? 'he' : init.scale === 1 ? 'lecun' : 'fixed';
      return init.mode === 'fanAvg' && init.scale === 1 ? 'glorot' : 'fixed';
    default:
      return 'fixed';
  }
}

/** The initializer family matched to an activation: He for the ReLU family, LeCun for SELU, else Glorot. */
export function matchedFamily(activation: ActivationName): 'he' | 'glorot' | 'lecun' {
  if (RELU_FAMILY.includes(activation)) return 'he';
  if (activation === 'selu') return 'lecun';
  return 'glorot';
}

const INIT_REMEDY = { he: 'heInit', glorot: 'glorotInit', lecun: 'lecunInit' } as const;

interface WeightLayer {
  name: string;
  activation: ActivationName;
  family: InitFamily;
}

/** Hidden weight layers (all but the last weight layer) with their activation and initializer family. */
function hiddenWeightLayers(layers: readonly LayerSpec[]): WeightLayer[] {
  const weighted = layers.flatMap((l, i) =>
    'kernelInitializer' in l && 'activation' in l ? [{ name: `${l.type}_${i}`, activation: l.activation.name, family: initFamily(l.kernelInitializer) }] : [],
  );
  return weighted.slice(0, -1);
}

/**
 * What to try against `problem`, given the network that showed it (null: unknown, the generic advice):
 * never a change the network already has (He for a net already on He, Leaky ReLU for one already
 * leaky, batch normalization when it has some). `layerNames` (engine names, `dense_2`) narrow the
 * check to the affected layers.
 */
export function remediesFor(problem: RemedyFor, layers: readonly LayerSpec[] | null, layerNames: readonly string[] = []): Remedy[] {
  if (!layers) return GENERIC[problem];
  const all = hiddenWeightLayers(layers);
  const named = all.filter((l) => layerNames.includes(l.name));
  const hidden = named.length ? named : all;
  if (!hidden.length) return GENERIC[problem];
  const activation = mostCommon(hidden.map((l) => l.activation));
  const matched = matchedFamily(activation);
  const allMatched = hidden.every((l) => l.family === matchedFamily(l.activation));
  const hasBatchNorm = layers.some((l) => l.type === 'batchNorm');
  const out: Remedy[] = [];
  const add = (r: Remedy, when = true) => {
    if (when && !out.includes(r)) out.push(r);
  };
  switch (problem) {
    case 'diverged':
      add('lowerLr');
      add(INIT_REMEDY[matched], !allMatched);
      break;
    case 'vanishingGradients':
    case 'collapsingSignal':
      add(INIT_REMEDY[matched], !allMatched);
      add('reluFamily', problem === 'vanishingGradients' && SQUASHING.includes(activation));
      add('batchNorm', !hasBatchNorm);
      add('fewerLayers');
      break;
    case 'explodingGradients':
      add(INIT_REMEDY[matched], !allMatched);
      add('lowerLr');
      add('batchNorm', !hasBatchNorm);
      break;
    case 'deadRelu':
      add('heInit', !hidden.every((l) => l.family === 'he'));
      add('leakyRelu', !hidden.every((l) => l.activation === 'leakyRelu' || l.activation === 'elu'));
      add('lowerLr');
      break;
    case 'saturation':
      add(INIT_REMEDY[matched], !allMatched);
      add('reluFamily', SQUASHING.includes(activation));
      add('batchNorm', !hasBatchNorm);
      break;
  }
  return out.length ? out : ['lowerLr'];
}

const GENERIC: Record<RemedyFor, Remedy[]> = {
  diverged: ['lowerLr', 'glorotInit'],
  vanishingGradients: ['heInit', 'glorotInit', 'fewerLayers'],
  explodingGradients: ['glorotInit', 'lowerLr'],
  deadRelu: ['heInit', 'leakyRelu', 'lowerLr'],
  saturation: ['glorotInit', 'reluFamily'],
  collapsingSignal: ['heInit', 'glorotInit', 'batchNorm'],
};

function mostCommon<T>(items: readonly T[]): T {
  const counts = new Map<T, number>();
  for (const x of items) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}
