import type { NetworkSpec } from './network.js';
import { followShapes } from './shapes.js';
import type { ParametrizationSpec } from './training.js';

/** μP's readout: the last dense layer, whose product h·W the forward pass multiplies by `factor`. */
export interface MupReadout {
  /** Index in NetworkSpec.layers of the last dense layer. */
  layer: number;
  /** baseWidth / that layer's fan_in (mup's output multiplier 1/width_mult). */
  factor: number;
}

/**
 * The readout multiplier of a μP run (null for a standard one, or a network without a dense layer):
 * the engine computes the last dense layer as (h·W)·factor + b; an exported model holds W·factor
 * instead, which gives the same outputs (to float32 rounding) in any runtime.
 */
export function mupReadout(network: NetworkSpec, parametrization: ParametrizationSpec | undefined): MupReadout | null {
  if (!parametrization || parametrization.name !== 'mup') return null;
  let layer = -1;
  network.layers.forEach((l, i) => {
    if (l.type === 'dense') layer = i;
  });
  if (layer < 0) return null;
  const fanIn = followShapes(network.inputShape, network.layers)[layer]!.inputShape.reduce((a, b) => a * b, 1);
  return { layer, factor: parametrization.baseWidth / fanIn };
}
