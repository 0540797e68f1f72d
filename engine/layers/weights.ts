import type { InitializerSpec, LayerShapeInfo } from '../../contract/index.js';
import { initialValues } from '../initializers.js';
import { deriveSeed } from '../random.js';
import type { TF, Variable } from '../tf.js';
import type { LayerParam } from './types.js';

/** Creates a trainable tf.Variable holding `values` with `shape`; the temporary tensor is freed. */
export function makeVariable(tf: TF, values: Float32Array, shape: number[], name: string): Variable {
  const initial = tf.tensor(values, shape, 'float32');
  try {
    return tf.variable(initial, true, name);
  } finally {
    initial.dispose();
  }
}

/** The weights of a layer with a kernel and an optional bias (dense, conv2d). */
export interface KernelAndBias {
  kernel: Variable;
  bias: Variable | null;
  params: LayerParam[];
}

/**
 * Draws a layer's kernel (shape `info.paramShapes.kernel`) and, when `useBias`, its bias
 * (`info.paramShapes.bias`) with their initializers. Seeds: kernel deriveSeed(layerSeed, 'kernel'), bias
 * deriveSeed(layerSeed, 'bias'). Variables are named `<prefix><layer name>/kernel|bias` (`rename` maps the
 * role in the name: a residual block's second layer is `…/kernel2`); if the bias cannot be made, the
 * kernel is freed before the error is rethrown.
 */
export function makeKernelAndBias(
  tf: TF,
  spec: { kernelInitializer: InitializerSpec; biasInitializer: InitializerSpec; useBias: boolean },
  info: LayerShapeInfo,
  layerSeed: number,
  prefix: string,
  rename: (role: string) => string = (role) => role,
): KernelAndBias {
  const kernelShape = info.paramShapes.kernel as number[];
  const kernel = makeVariable(
    tf,
    initialValues(spec.kernelInitializer, kernelShape, deriveSeed(layerSeed, 'kernel')),
    kernelShape,
    `${prefix}${info.name}/${rename('kernel')}`,
  );
  const params: LayerParam[] = [{ role: 'kernel', variable: kernel }];
  if (!spec.useBias) return { kernel, bias: null, params };
  try {
    const biasShape = info.paramShapes.bias as number[];
    const bias = makeVariable(
      tf,
      initialValues(spec.biasInitializer, biasShape, deriveSeed(layerSeed, 'bias')),
      biasShape,
      `${prefix}${info.name}/${rename('bias')}`,
    );
    params.push({ role: 'bias', variable: bias });
    return { kernel, bias, params };
  } catch (error) {
    kernel.dispose();
    throw error;
  }
}
