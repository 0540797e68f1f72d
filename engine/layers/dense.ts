import type { DenseLayerSpec } from '../../contract/index.js';
import { applyActivation } from '../activations.js';
import type { Tensor, Tensor1D, Tensor2D, TF } from '../tf.js';
import type { LayerShapeInfo } from './shapes.js';
import type { Layer } from './types.js';
import { makeKernelAndBias } from './weights.js';

/**
 * A dense layer y = activation(x·W + b): W of shape [fanIn, units], b of shape [units].
 * Seeds: kernel deriveSeed(layerSeed, 'kernel'), bias deriveSeed(layerSeed, 'bias').
 * @param info shapes from inferLayerShape
 * @param layerSeed the layer's seed (see buildModel)
 * @param prefix unique variable-name prefix of the model, e.g. 'm3/'
 */
export function buildDense(tf: TF, spec: DenseLayerSpec, info: LayerShapeInfo, layerSeed: number, prefix: string): Layer {
  const { kernel, bias, params } = makeKernelAndBias(tf, spec, info, layerSeed, prefix);
  return {
    index: info.index,
    type: 'dense',
    name: info.name,
    inputShape: info.inputShape,
    outputShape: info.outputShape,
    activation: spec.activation,
    params,
    paramCount: info.paramCount,
    apply(x: Tensor) {
      const preActivation = tf.fused.matMul({
        a: x as Tensor2D,
        b: kernel as Tensor2D,
        ...(bias ? { bias: bias as Tensor1D } : {}),
      });
      return { preActivation, output: applyActivation(tf, preActivation, spec.activation) };
    },
    dispose() {
      for (const p of params) p.variable.dispose();
    },
  };
}
