import type { DenseLayerSpec } from '../../contract/index.js';
import { applyActivation } from '../activations.js';
import { initialValues } from '../initializers.js';
import { deriveSeed } from '../random.js';
import type { Tensor, Tensor1D, Tensor2D, TF, Variable } from '../tf.js';
import type { LayerShapeInfo } from './shapes.js';
import type { Layer, LayerParam } from './types.js';

/** Creates a trainable tf.Variable holding `values` with `shape`; the temporary tensor is freed. */
export function makeVariable(tf: TF, values: Float32Array, shape: number[], name: string): Variable {
  const initial = tf.tensor(values, shape, 'float32');
  try {
    return tf.variable(initial, true, name);
  } finally {
    initial.dispose();
  }
}

/**
 * A dense layer y = activation(x·W + b): W of shape [fanIn, units], b of shape [units].
 * Seeds: kernel deriveSeed(layerSeed, 'kernel'), bias deriveSeed(layerSeed, 'bias').
 * @param info shapes from inferLayerShape
 * @param layerSeed the layer's seed (see buildModel)
 * @param prefix unique variable-name prefix of the model, e.g. 'm3/'
 */
export function buildDense(tf: TF, spec: DenseLayerSpec, info: LayerShapeInfo, layerSeed: number, prefix: string): Layer {
  const kernelShape = info.paramShapes.kernel as number[];
  const params: LayerParam[] = [];
  const kernel = makeVariable(
    tf,
    initialValues(spec.kernelInitializer, kernelShape, deriveSeed(layerSeed, 'kernel')),
    kernelShape,
    `${prefix}${info.name}/kernel`,
  );
  params.push({ role: 'kernel', variable: kernel });
  let bias: Variable | null = null;
  if (spec.useBias) {
    try {
      const biasShape = info.paramShapes.bias as number[];
      bias = makeVariable(tf, initialValues(spec.biasInitializer, biasShape, deriveSeed(layerSeed, 'bias')), biasShape, `${prefix}${info.name}/bias`);
    } catch (error) {
      kernel.dispose();
      throw error;
    }
    params.push({ role: 'bias', variable: bias });
  }
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
