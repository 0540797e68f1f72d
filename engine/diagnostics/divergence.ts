import type { Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';

/**
 * Where a non-finite value first appeared in a diverged step:
 * 1. the first layer (network order) whose output on the batch has a NaN/±Inf element — the
 *    forward pass is repeated with the same dropout seed, so it sees what the step saw;
 * 2. else, the deepest layer with a non-finite gradient (back-propagation runs from the last layer
 *    to the first, so that is where the gradient first broke; every earlier layer inherits it);
 * 3. else null (only the loss itself was non-finite).
 * One device read; frees every tensor it creates.
 * @param gradientFinite per model variable (model.variables order), whether its gradient was finite
 */
export async function locateDivergence(tf: TF, model: Model, xb: Tensor, dropoutSeed: number, gradientFinite: readonly boolean[]): Promise<string | null> {
  const flags = tf.tidy(() => {
    const { activations } = model.forward(xb, { training: true, dropoutSeed, collectActivations: true });
    return tf.stack(activations!.map((a) => tf.cast(tf.all(tf.isFinite(a)), 'float32')));
  });
  let finite: Float32Array;
  try {
    finite = (await flags.data()) as Float32Array;
  } finally {
    flags.dispose();
  }
  const firstBadOutput = model.layers.findIndex((_, i) => finite[i] !== 1);
  if (firstBadOutput >= 0) return model.layers[firstBadOutput]!.name;
  for (let i = gradientFinite.length - 1; i >= 0; i--) {
    if (!gradientFinite[i]) return model.layerOfVariable(model.variables[i]!.name) ?? null;
  }
  return null;
}
