import { type LayerSpec, layerError, type LayerShapeInfo } from '../../contract/index.js';
import type { TF } from '../tf.js';
import { buildActivationLayer } from './activation-layer.js';
import { buildBatchNorm } from './batch-norm.js';
import { buildConv2D } from './conv2d.js';
import { buildDense } from './dense.js';
import { buildDropout } from './dropout.js';
import { buildFlatten } from './flatten.js';
import { buildPool2D } from './pool.js';
import { buildReshape } from './reshape.js';
import type { Layer } from './types.js';

/**
 * Builds one layer (creating its variables) from its spec and inferred shapes.
 * @param productMultiplier a dense layer's multiplier of x·W (μP's readout; 1 elsewhere, see buildDense)
 * @throws Error naming the layer if its parameters cannot be initialised
 */
export function buildLayer(tf: TF, spec: LayerSpec, info: LayerShapeInfo, layerSeed: number, prefix: string, productMultiplier = 1): Layer {
  try {
    switch (spec.type) {
      case 'dense':
        return buildDense(tf, spec, info, layerSeed, prefix, productMultiplier);
      case 'dropout':
        return buildDropout(tf, spec, info);
      case 'conv2d':
        return buildConv2D(tf, spec, info, layerSeed, prefix);
      case 'maxPool2d':
      case 'avgPool2d':
        return buildPool2D(tf, spec, info);
      case 'flatten':
        return buildFlatten(tf, info);
      case 'reshape':
        return buildReshape(tf, info);
      case 'batchNorm':
        return buildBatchNorm(tf, spec, info, prefix);
      case 'activation':
        return buildActivationLayer(tf, spec, info);
      default: {
        const never: never = spec;
        throw new Error(`Unknown layer type '${(never as { type: string }).type}'`);
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('layer ')) throw error;
    throw layerError(info.index, spec.type, message);
  }
}
