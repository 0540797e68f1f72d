import { inferNetworkShapes, type ActivationSpec, type NetworkSpec, type PhaseNetworkPoint } from '../../contract/index.js';
import { initializerMoments } from '../initializers.js';

/**
 * The activation a dense/conv2d layer's output goes through: its own, or (when its own is linear) that
 * of an `activation` layer right after it (past batchNorm/dropout nothing is assumed: its own is kept).
 */
export function effectiveActivation(network: NetworkSpec, index: number): ActivationSpec {
  const layer = network.layers[index]!;
  const own = layer.type === 'dense' || layer.type === 'conv2d' ? layer.activation : { name: 'linear' as const };
  const next = network.layers[index + 1];
  return own.name === 'linear' && next?.type === 'activation' ? next.activation : own;
}

const sameSpec = (a: ActivationSpec, b: ActivationSpec): boolean => JSON.stringify(a) === JSON.stringify(b);
const key = (x: number): string => x.toPrecision(8);

/**
 * The user's network in the (σ_w², σ_b²) plane: for every dense/conv2d layer σ_w² = fan_in·Var(w)
 * (fan_in = receptive field × input channels) and σ_b² = E[b²] = Var(b) + mean(b)² (0 without a bias),
 * from the initializers' exact moments (engine/initializers.ts). Layers at the same point are grouped.
 * @returns the points in layer order and the network's depth L (its number of dense/conv2d layers)
 */
export function networkPhasePoints(network: NetworkSpec, activation: ActivationSpec): { points: PhaseNetworkPoint[]; depth: number } {
  const shapes = inferNetworkShapes(network);
  const byKey = new Map<string, PhaseNetworkPoint>();
  let depth = 0;
  network.layers.forEach((layer, i) => {
    if (layer.type !== 'dense' && layer.type !== 'conv2d') return;
    depth++;
    const kernel = shapes[i]!.paramShapes.kernel as number[];
    const fanIn = kernel.slice(0, -1).reduce((a, b) => a * b, 1);
    const w = initializerMoments(layer.kernelInitializer, kernel);
    const b = layer.useBias ? initializerMoments(layer.biasInitializer, [kernel[kernel.length - 1] as number]) : { mean: 0, variance: 0 };
    const weightVariance = fanIn * w.variance;
    const biasVariance = b.variance + b.mean * b.mean;
    const same = sameSpec(effectiveActivation(network, i), activation);
    const k = `${key(weightVariance)}|${key(biasVariance)}|${same}`;
    const point = byKey.get(k);
    if (point) point.layers.push(i);
    else byKey.set(k, { weightVariance, biasVariance, layers: [i], sameActivation: same });
  });
  return { points: [...byKey.values()], depth };
}
