import type { LayerStats, SignalPropBlock } from '../../contract/index.js';
import { gatherRows } from '../batches.js';
import type { Model } from '../model.js';
import type { StepOptions } from '../step.js';
import type { Tensor, TF } from '../tf.js';
import { computeLayerStats, mainWeight } from './layer-stats.js';
import { hasResidualBlocks, measureSignalProp } from './signal-prop.js';

/** Decides when to record per-layer statistics and computes them (see computeLayerStats). */
export interface StatsRecorder {
  /** True at step 1 and every `every` steps (never when every is 0). */
  shouldRecord(step: number): boolean;
  /** Step options that compute the statistics of a recorded step. */
  stepOptions(learningRate: number): StepOptions<LayerStats[]>;
  /**
   * Signal propagation of the model's residual blocks on the probe batch now (inference mode); undefined
   * when the model has none or nothing is recorded.
   */
  signalProp(): Promise<SignalPropBlock[] | undefined>;
  /** Frees the probe batch. */
  dispose(): void;
}

/**
 * A recorder measuring activations on a fixed probe batch: the first `probeSize` samples of
 * `indices` (the training split, in its unshuffled order), the same at every step.
 * @param x row-major [n, ...inputShape]
 */
export function createStatsRecorder(tf: TF, model: Model, x: Float32Array, indices: Int32Array, probeSize: number, every: number): StatsRecorder {
  const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
  const p = Math.min(probeSize, indices.length);
  const probe: Tensor | null = every > 0 && p > 0 ? tf.tensor(gatherRows(x, rowSize, indices, 0, p), [p, ...model.inputShape], 'float32') : null;
  const snapshot = model.layers.flatMap((layer) => {
    const w = mainWeight(layer);
    return w ? [w.name] : [];
  });
  return {
    shouldRecord: (step) => probe !== null && (step === 1 || step % every === 0),
    stepOptions: (learningRate) => ({
      learningRate,
      snapshot,
      inspect: ({ grads, before }) => computeLayerStats(tf, model, probe as Tensor, grads, before),
    }),
    signalProp: async () => (probe && hasResidualBlocks(model) ? measureSignalProp(tf, model, probe) : undefined),
    dispose: () => probe?.dispose(),
  };
}
