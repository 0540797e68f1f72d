import type { LayerSpec } from '../../contract/index.js';
import type { TF } from '../tf.js';
import { buildDense } from './dense.js';
import { buildDropout } from './dropout.js';
import { layerError, type LayerShapeInfo } from './shapes.js';
import type { Layer } from './types.js';

/**
 * Builds one layer (creating its variables) from its spec and inferred shapes.
 * @throws Error naming the layer if its parameters cannot be initialised
 */
export function buildLayer(tf: TF, spec: LayerSpec, info: LayerShapeInfo, layerSeed: number, prefix: string): Layer {
  try {
    switch (spec.type) {
      case 'dense':
        return buildDense(tf, spec, info, layerSeed, prefix);
      case 'dropout':
        return buildDropout(tf, spec, info);
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
