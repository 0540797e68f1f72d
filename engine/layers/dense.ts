import type { DenseLayerSpec, LayerShapeInfo } from '../../contract/index.js';
import { applyActivation } from '../activations.js';
import { fusedDense, hasFusedDense } from '../kernels/dense-fused.js';
import type { Tensor, Tensor1D, Tensor2D, TF } from '../tf.js';
import type { Layer } from './types.js';
import { makeKernelAndBias } from './weights.js';

/**
 * A dense layer y = activation(x·W + b): W of shape [fanIn, units], b of shape [units]. On patched
 * wasm the product and bias (and a relu) run as one kernel (engine/kernels/dense-fused.ts, same bits);
 * elsewhere (and for μP's readout, whose product is scaled) as tf ops.
 * Seeds: kernel deriveSeed(layerSeed, 'kernel'), bias deriveSeed(layerSeed, 'bias').
 * @param info shapes from inferLayerShape
 * @param layerSeed the layer's seed (see buildModel)
 * @param prefix unique variable-name prefix of the model, e.g. 'm3/'
 * @param productMultiplier μP's readout multiplier: y = activation((x·W)·multiplier + b); at 1 (every
 *   layer of a standard run) no operation is added, so the numbers are those of y = activation(x·W + b)
 * @param rename maps a role in the variable names (see makeKernelAndBias)
 */
export function buildDense(
  tf: TF,
  spec: DenseLayerSpec,
  info: LayerShapeInfo,
  layerSeed: number,
  prefix: string,
  productMultiplier = 1,
  rename?: (role: string) => string,
): Layer {
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
      if (x.rank === 2 && productMultiplier === 1 && hasFusedDense(tf)) {
        // Patched wasm: product, bias (and relu) as one kernel whose gradient prunes like separate ops.
        const b = bias ? (bias as Tensor) : null;
        const affine = () => fusedDense(tf, x, kernel, b, 'linear');
        if (spec.activation.name === 'relu') {
          const output = fusedDense(tf, x, kernel, b, 'relu');
          let pre: Tensor | undefined;
          // The pre-activation is computed only when read (LSUV, the last layer's logits): a training
          // step of hidden relu layers never needs it.
          return {
            output,
            get preActivation() {
              return (pre ??= affine());
            },
          };
        }
        const preActivation = affine();
        if (spec.activation.name === 'linear') return { preActivation, output: preActivation };
        // The activation runs where the output is read, afresh on every read (never a tensor another
        // scope freed): model.forward reads it at once, except the last layer's under `logitsOnly`.
        return {
          preActivation,
          get output() {
            return applyActivation(tf, preActivation, spec.activation);
          },
        };
      }
      // Not tf.fused.matMul: its gradient (a customGrad) computes every input's gradient eagerly, including
      // ∂loss/∂x of the first layer, whose input is the data — a wasted [batch, fanIn] matmul that was ~25 %
      // of an MLP step. With separate ops tfjs prunes what no variable needs.
      const raw = tf.matMul(x as Tensor2D, kernel as Tensor2D);
      const product = productMultiplier === 1 ? raw : tf.mul(raw, productMultiplier);
      const preActivation = bias ? tf.add(product, bias as Tensor1D) : product;
      return { preActivation, output: applyActivation(tf, preActivation, spec.activation) };
    },
    dispose() {
      for (const p of params) p.variable.dispose();
    },
  };
}
