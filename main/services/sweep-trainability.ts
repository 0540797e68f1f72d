import {
  TANH_LIKE_ACTIVATIONS,
  TRAINABLE_DEPTH_FACTOR,
  type ActivationSpec,
  type InitializerSpec,
  type SweepAxisName,
  type SweepHeatmap,
  type SweepSpec,
  type TrainabilityOverlay,
  type TrainabilityPoint,
} from '../../contract/index.js';
import { trainableDepths } from '../../engine/index.js';
import { outputLayerIndex } from './sweep-network.js';

type TanhLike = (typeof TANH_LIKE_ACTIVATIONS)[number];
const isTanhLike = (a: ActivationSpec): a is ActivationSpec & { name: TanhLike } => (TANH_LIKE_ACTIVATIONS as readonly string[]).includes(a.name);

/**
 * Where `limit` (in hidden layers) falls on a depth axis with ascending `depths`, in cell units: the
 * k-th value's centre is k, linear in depth between neighbours; beyond the ends it is clipped to
 * −0.5 / n − 0.5 and marked. An infinite limit (critical point) is clipped above.
 */
export function depthAxisPosition(depths: readonly number[], limit: number): Pick<TrainabilityPoint, 'position' | 'clipped'> {
  const n = depths.length;
  const first = depths[0] as number;
  const last = depths[n - 1] as number;
  if (limit > last) return { position: n - 0.5, clipped: 'above' };
  if (limit < first) return { position: -0.5, clipped: 'below' };
  for (let k = 0; k < n - 1; k++) {
    const lo = depths[k] as number;
    const hi = depths[k + 1] as number;
    if (limit <= hi) return { position: k + (limit - lo) / (hi - lo), clipped: null };
  }
  return { position: n - 1, clipped: null };
}

/** The one activation of every hidden layer in the heatmap's cells, or null when it varies or is not tanh-like. */
function hiddenActivation(spec: SweepSpec, fixed: Partial<Record<SweepAxisName, number>>): (ActivationSpec & { name: TanhLike }) | null {
  const axis = spec.axes.activation;
  let activation: ActivationSpec | undefined;
  if (axis) {
    activation = axis.length === 1 ? axis[0] : fixed.activation !== undefined ? axis[fixed.activation] : undefined;
  } else {
    const layers = spec.base.network.layers.slice(0, outputLayerIndex(spec.base.network.layers));
    const keys = new Set(layers.map((l) => JSON.stringify('activation' in l ? l.activation : null)));
    if (keys.size === 1) activation = JSON.parse([...keys][0] as string) ?? undefined;
  }
  return activation && isTanhLike(activation) ? activation : null;
}

/** σ_b² of the hidden layers: the one zero-mean normal (std²) or zeros bias initializer they share, else null. */
function hiddenBiasVariance(spec: SweepSpec): number | null {
  const layers = spec.base.network.layers.slice(0, outputLayerIndex(spec.base.network.layers));
  const biases = new Set(layers.map((l) => JSON.stringify(l.type === 'dense' ? l.biasInitializer : null)));
  if (biases.size !== 1) return null;
  const bias = JSON.parse([...biases][0] as string) as InitializerSpec | null;
  if (bias?.name === 'zeros') return 0;
  if (bias?.name === 'normal' && bias.mean === 0 && bias.std !== undefined) return bias.std ** 2;
  return null;
}

/**
 * The 6·ξ_c curve of Schoenholz et al. 2017 for a depth × σ_w² heatmap (see contract TrainabilityOverlay
 * for when it applies), or null: the heatmap's axes are not depth and initializer, an initializer value
 * is not a fanIn varianceScaling, the depth values do not ascend, a hidden layer is not dense, or the
 * hidden activation (fixed by `fixed.activation` when the sweep varies it) is not tanh-like, or the
 * hidden biases are not one zero-mean normal / zeros initializer.
 */
export function trainabilityOverlay(spec: SweepSpec, heatmap: SweepHeatmap, fixed: Partial<Record<SweepAxisName, number>>): TrainabilityOverlay | null {
  const names = [heatmap.rowAxis, heatmap.colAxis];
  if (!names.includes('depth') || !names.includes('initializer')) return null;
  const initializers = spec.axes.initializer ?? [];
  const depths = spec.axes.depth ?? [];
  if (initializers.length === 0 || depths.length === 0) return null;
  if (depths.some((d, i) => i > 0 && d <= (depths[i - 1] as number))) return null;
  const weightVariances: number[] = [];
  for (const init of initializers) {
    if (init.name !== 'varianceScaling' || init.mode !== 'fanIn') return null;
    weightVariances.push(init.scale);
  }
  const layers = spec.base.network.layers;
  if (layers.slice(0, outputLayerIndex(layers)).some((l) => l.type !== 'dense')) return null;
  const activation = hiddenActivation(spec, fixed);
  const biasVariance = hiddenBiasVariance(spec);
  if (activation === null || biasVariance === null) return null;
  const points = trainableDepths(activation, biasVariance, weightVariances).map((p, index): TrainabilityPoint => {
    const place =
      p.depthLimit !== null
        ? depthAxisPosition(depths, p.depthLimit)
        : p.phase === 'critical'
          ? { position: depths.length - 0.5, clipped: 'above' as const }
          : { position: null, clipped: null };
    return { index, weightVariance: p.weightVariance, phase: p.phase, xiC: p.xiC, depthLimit: p.depthLimit, ...place };
  });
  return { activation: activation.name, biasVariance, factor: TRAINABLE_DEPTH_FACTOR, weightAxis: heatmap.rowAxis === 'initializer' ? 'row' : 'col', points };
}
