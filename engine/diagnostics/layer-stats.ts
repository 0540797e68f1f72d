import type { LayerStats } from '../../contract/index.js';
import type { Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';
import { computeLayerStatsOnDevice } from './layer-stats-device.js';
import { computeLayerStatsOnHost } from './layer-stats-host.js';
import { readLayerStats } from './layer-stats-layout.js';

export { HISTOGRAM_SAMPLE, mainWeight } from './layer-stats-layout.js';

/** Where a record's reductions run: 'host' (the wasm backend's arithmetic, see layer-stats-host.ts) or 'device' (tf ops). */
export type LayerStatsPath = 'host' | 'device';

/** The path computeLayerStats takes on the active backend: the host on wasm (same bits, far fewer ops), tf ops elsewhere. */
export function layerStatsPath(tf: TF): LayerStatsPath {
  return tf.getBackend() === 'wasm' ? 'host' : 'device';
}

/**
 * Per-layer statistics of one recorded step (see contract LayerStats).
 * - activation statistics: the model's forward pass on `probe` ([P, ...inputShape]) in inference
 *   mode; every element of each layer's output counts (the histogram: up to HISTOGRAM_SAMPLE evenly
 *   strided elements); units are the last axis;
 * - gradientNorm: √Σ‖g‖² over the layer's parameters, from `grads` (keyed by variable name);
 * - weightStd and updateRatio = ‖W − W_before‖/‖W_before‖ of the main weight, with `before` its
 *   value before this step's update (keyed by variable name);
 * - rangeHistogram: the output histogram over the binned elements' own [min, max] (distributions.ts);
 * - weightPercentiles / gradientPercentiles: DISTRIBUTION_PERCENTILES of the main weight after the
 *   update and of its gradient (at most HISTOGRAM_SAMPLE evenly strided elements each).
 * Without `grads`/`before` the gradient and update fields are null. On wasm the reductions run on the
 * host with the backend's float32 arithmetic (layer-stats-host.ts: the same bits as the tf ops);
 * elsewhere as tf ops (layer-stats-device.ts). `path` overrides that choice (tests, benchmarks).
 */
export async function computeLayerStats(
  tf: TF,
  model: Model,
  probe: Tensor,
  grads: Record<string, Tensor> | null,
  before: ReadonlyMap<string, Tensor> | null,
  path: LayerStatsPath = layerStatsPath(tf),
): Promise<LayerStats[]> {
  const compute = path === 'host' ? computeLayerStatsOnHost : computeLayerStatsOnDevice;
  return readLayerStats(model, await compute(tf, model, probe, grads, before), grads, before);
}
