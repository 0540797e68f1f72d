import type { ActivationLayerSpec, LayerShapeInfo } from '../../contract/index.js';
import { applyActivation } from '../activations.js';
import type { Tensor, TF } from '../tf.js';
import type { Layer } from './types.js';

/**
 * A standalone activation y = φ(x), element-wise (softmax over the last axis). Its `preActivation`
 * is its input, so a loss can use the logits of e.g. dense(linear) → activation(softmax).
 */
export function buildActivationLayer(tf: TF, spec: ActivationLayerSpec, info: LayerShapeInfo): Layer {
  return {
    index: info.index,
    type: 'activation',
    name: info.name,
    inputShape: info.inputShape,
    outputShape: info.outputShape,
    activation: spec.activation,
    params: [],
    paramCount: 0,
    apply(x: Tensor) {
      return { preActivation: x, output: applyActivation(tf, x, spec.activation) };
    },
    dispose() {},
  };
}
