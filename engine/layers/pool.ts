import { type AvgPool2DLayerSpec, type MaxPool2DLayerSpec, type LayerShapeInfo, pair } from '../../contract/index.js';
import type { Tensor, TF } from '../tf.js';
import type { Layer } from './types.js';

type Tensor4D = import('@tensorflow/tfjs').Tensor4D;

/**
 * 2-D max or average pooling over NHWC input [batch, h, w, c] → [batch, outH, outW, c], window
 * `poolSize`, stride `strides` (default: the window). No parameters.
 */
export function buildPool2D(tf: TF, spec: MaxPool2DLayerSpec | AvgPool2DLayerSpec, info: LayerShapeInfo): Layer {
  const window = pair(spec.poolSize);
  const strides = pair(spec.strides ?? spec.poolSize);
  return {
    index: info.index,
    type: spec.type,
    name: info.name,
    inputShape: info.inputShape,
    outputShape: info.outputShape,
    activation: null,
    params: [],
    paramCount: 0,
    apply(x: Tensor) {
      const output =
        spec.type === 'maxPool2d' ? tf.maxPool(x as Tensor4D, window, strides, spec.padding) : tf.avgPool(x as Tensor4D, window, strides, spec.padding);
      return { preActivation: output, output };
    },
    dispose() {},
  };
}
