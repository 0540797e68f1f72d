import type { Layer } from '../layers/types.js';
import type { Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';

/**
 * Walks a built model from the input on a batch, in inference mode (dropout off, batchNorm on its moving
 * statistics), calling `visit` for every dense/conv2d layer with that layer's real input before passing
 * the batch on through it: what a layer-sequential data-dependent init (LSUV, the per-unit init) needs,
 * since earlier layers are final when a layer is visited. Frees the tensors it creates; `visit` must not
 * keep `input`.
 * @param batch row-major [n, ...model.inputShape] samples; n ≥ 2
 * @param what the caller's name for its error, e.g. 'LSUV'
 * @returns one visit result per dense/conv2d layer, in order
 */
export async function walkWeightedLayers<R>(
  tf: TF,
  model: Model,
  batch: Float32Array,
  what: string,
  visit: (layer: Layer, input: Tensor, ctx: { training: false; dropoutSeed: number }) => Promise<R>,
): Promise<R[]> {
  const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
  const n = Math.floor(batch.length / rowSize);
  if (n < 2) throw new Error(`${what} needs at least 2 samples in its batch`);
  const ctx = { training: false as const, dropoutSeed: 0 };
  const results: R[] = [];
  let x: Tensor = tf.tensor(batch.subarray(0, n * rowSize), [n, ...model.inputShape], 'float32');
  try {
    for (const layer of model.layers) {
      if (layer.type === 'dense' || layer.type === 'conv2d') results.push(await visit(layer, x, ctx));
      const next = tf.tidy(() => layer.apply(x, ctx).output);
      x.dispose();
      x = next;
    }
  } finally {
    x.dispose();
  }
  return results;
}
