import { type Conv2DLayerSpec, type LayerShapeInfo, pair } from '../../contract/index.js';
import { applyActivation } from '../activations.js';
import type { Tensor, Tensor1D, TF } from '../tf.js';
import { makeKernelAndBias } from './weights.js';
import type { Layer } from './types.js';

type Tensor4D = import('@tensorflow/tfjs').Tensor4D;

/**
 * A 2-D convolution y = activation(conv(x, K) + b) over NHWC input: x [batch, h, w, inC],
 * K [kh, kw, inC, filters], b [filters], y [batch, outH, outW, filters] (see shapes.ts).
 * Kernel fans (initializers.ts): fan_in = kh·kw·inC, fan_out = kh·kw·filters.
 * Seeds: kernel deriveSeed(layerSeed, 'kernel'), bias deriveSeed(layerSeed, 'bias').
 */
export function buildConv2D(tf: TF, spec: Conv2DLayerSpec, info: LayerShapeInfo, layerSeed: number, prefix: string, rename?: (role: string) => string): Layer {
  const { kernel, bias, params } = makeKernelAndBias(tf, spec, info, layerSeed, prefix, rename);
  const strides = pair(spec.strides);
  return {
    index: info.index,
    type: 'conv2d',
    name: info.name,
    inputShape: info.inputShape,
    outputShape: info.outputShape,
    activation: spec.activation,
    params,
    paramCount: info.paramCount,
    apply(x: Tensor) {
      const conv = tf.conv2d(x as Tensor4D, kernel as unknown as Tensor4D, strides, spec.padding);
      const preActivation = bias ? tf.add(conv, bias as Tensor1D) : conv;
      return { preActivation, output: applyActivation(tf, preActivation, spec.activation) };
    },
    dispose() {
      for (const p of params) p.variable.dispose();
    },
  };
}
