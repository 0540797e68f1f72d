import type { LsuvConfig, LsuvLayerResult } from '../../contract/index.js';
import type { Model } from '../model.js';
import { layerSeed } from '../model.js';
import { orthogonalMatrix } from '../orthogonal.js';
import { deriveSeed } from '../random.js';
import type { TF } from '../tf.js';
import { walkWeightedLayers } from './weighted-layer-walk.js';

/**
 * LSUV (Mishkin & Matas 2015, Algorithm 1) on a built model, in place: every dense/conv2d kernel made
 * orthonormal (rows = ∏ all but the last dimension; seeded per layer from `seed`) when
 * `config.orthonormal`, then for each such layer from the input: measure Var of its pre-activation
 * on the batch (inference mode: dropout off, batchNorm on its moving statistics), and while
 * |Var − 1| ≥ tolerance and fewer than maxIterations rescalings were done, multiply the kernel by
 * 1/√Var. Earlier layers are final when a layer is measured, so each is measured on its real input.
 * Frees every tensor it creates (the kernels keep their new values).
 * @param batch row-major [n, ...model.inputShape] samples
 * @returns one result per dense/conv2d layer, in order
 */
export async function applyLsuv(tf: TF, model: Model, batch: Float32Array, config: LsuvConfig, seed: number): Promise<LsuvLayerResult[]> {
  return walkWeightedLayers(tf, model, batch, 'LSUV', async (layer, x, ctx) => {
    const kernel = layer.params[0]!.variable;
    if (config.orthonormal) {
      const cols = kernel.shape[kernel.shape.length - 1] as number;
      const rows = kernel.size / cols;
      const values = orthogonalMatrix(rows, cols, 1, deriveSeed(layerSeed(seed, layer.index), 'lsuv'));
      tf.tidy(() => kernel.assign(tf.tensor(values, kernel.shape, 'float32')));
    }
    const input = x;
    const measure = async (): Promise<number> => {
      const v = tf.tidy(() => tf.moments(layer.apply(input, ctx).preActivation).variance);
      try {
        return ((await v.data()) as Float32Array)[0] as number;
      } finally {
        v.dispose();
      }
    };
    let scale = 1;
    let iterations = 0;
    let variance = await measure();
    while (Math.abs(variance - 1) >= config.tolerance && iterations < config.maxIterations && Number.isFinite(variance) && variance > 0) {
      const factor = 1 / Math.sqrt(variance);
      tf.tidy(() => kernel.assign(tf.mul(kernel, factor)));
      scale *= factor;
      iterations++;
      variance = await measure();
    }
    return { layer: layer.name, index: layer.index, scale, variance, iterations, converged: Math.abs(variance - 1) < config.tolerance };
  });
}
