import type { DenseLayerSpec, LayerShapeInfo } from '../../contract/index.js';
import { applyActivation } from '../activations.js';
import type { Tensor, Tensor1D, Tensor2D, TF } from '../tf.js';
import type { Layer } from './types.js';
import { makeKernelAndBias } from './weights.js';

/**
 * A dense layer y = activation(x·W + b): W of shape [fanIn, units], b of shape [units].
 * Seeds: kernel deriveSeed(layerSeed, 'kernel'), bias deriveSeed(layerSeed, 'bias').
 * @param info shapes from inferLayerShape
 * @param layerSeed the layer's seed (see buildModel)
 * @param prefix unique variable-name prefix of the model, e.g. 'm3/'
 * @param rename maps a role in the variable names (see makeKernelAndBias)
 */
export function buildDense(tf: TF, spec: DenseLayerSpec, info: LayerShapeInfo, layerSeed: number, prefix: string, rename?: (role: string) => string): Layer {
  const { kernel, bias, params } = makeKernelAndBias(tf, spec, info, layerSeed, prefix, rename);
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
      // Not tf.fused.matMul: its gradient (a customGrad) computes every input's gradient eagerly, including
      // ∂loss/∂x of the first layer, whose input is the data — a wasted [batch, fanIn] matmul that was ~25 %
      // of an MLP step. With separate ops tfjs prunes what no variable needs.
      const product = tf.matMul(x as Tensor2D, kernel as Tensor2D);
      const preActivation = bias ? tf.add(product, bias as Tensor1D) : product;
      return { preActivation, output: applyActivation(tf, preActivation, spec.activation) };
    },
    dispose() {
      for (const p of params) p.variable.dispose();
    },
  };
}
