import type { DropoutLayerSpec, LayerShapeInfo } from '../../contract/index.js';
import type { Tensor, TF } from '../tf.js';
import type { ForwardContext, Layer } from './types.js';

/**
 * Inverted dropout: while training, zeroes each element with probability `rate` and scales the
 * survivors by 1/(1 − rate); identity at inference. The mask is drawn by tf.dropout seeded with
 * `ctx.dropoutSeed + layer index`, so a given (dropoutSeed, layer) always gives the same mask.
 */
export function buildDropout(tf: TF, spec: DropoutLayerSpec, info: LayerShapeInfo): Layer {
  return {
    index: info.index,
    type: 'dropout',
    name: info.name,
    inputShape: info.inputShape,
    outputShape: info.outputShape,
    activation: null,
    params: [],
    paramCount: 0,
    apply(x: Tensor, ctx: ForwardContext) {
      const output = ctx.training && spec.rate > 0 ? tf.dropout(x, spec.rate, undefined, (ctx.dropoutSeed + info.index) >>> 0) : x;
      return { preActivation: output, output };
    },
    dispose() {},
  };
}
