import type { Tensor, TF } from '../tf.js';
import type { Layer } from './types.js';
import type { LayerShapeInfo } from '../../contract/index.js';

/**
 * Reshapes [batch, ...inputShape] to [batch, ...targetShape] (row-major: the element order is kept,
 * the last axis varies fastest, as in flatten). The shape check (equal element counts) is done by
 * inferLayerShape; `info.outputShape` is the target shape.
 */
export function buildReshape(tf: TF, info: LayerShapeInfo): Layer {
  const target = [...info.outputShape];
  return {
    index: info.index,
    type: 'reshape',
    name: info.name,
    inputShape: info.inputShape,
    outputShape: info.outputShape,
    activation: null,
    params: [],
    paramCount: 0,
    apply(x: Tensor) {
      const output = tf.reshape(x, [-1, ...target]);
      return { preActivation: output, output };
    },
    dispose() {},
  };
}
