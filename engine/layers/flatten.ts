import type { Tensor, TF } from '../tf.js';
import type { Layer } from './types.js';
import type { LayerShapeInfo } from '../../contract/index.js';

/** Reshapes [batch, d1, d2, …] to [batch, d1·d2·…] (row-major, so channels vary fastest). */
export function buildFlatten(tf: TF, info: LayerShapeInfo): Layer {
  const size = info.outputShape[0] as number;
  return {
    index: info.index,
    type: 'flatten',
    name: info.name,
    inputShape: info.inputShape,
    outputShape: info.outputShape,
    activation: null,
    params: [],
    paramCount: 0,
    apply(x: Tensor) {
      const output = tf.reshape(x, [-1, size]);
      return { preActivation: output, output };
    },
    dispose() {},
  };
}
