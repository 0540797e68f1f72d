import type { LayerSpec, NetworkSpec } from '../../contract/index.js';

/** Shape facts about one layer, computed without tfjs. Shapes exclude the batch dimension. */
export interface LayerShapeInfo {
  index: number;
  type: LayerSpec['type'];
  /** `${type}_${index}`, e.g. 'dense_2'. */
  name: string;
  inputShape: number[];
  outputShape: number[];
  /** Shapes of the trainable parameters by role, e.g. { kernel: [16, 8], bias: [8] }. */
  paramShapes: Record<string, number[]>;
  /** Number of scalar parameters. */
  paramCount: number;
}

/** Conventional name of layer `index` of type `type`: 'dense_2' is NetworkSpec.layers[2]. */
export function layerName(type: string, index: number): string {
  return `${type}_${index}`;
}

/** An Error whose message names the layer: `layer 3 (dense): …`. */
export function layerError(index: number, type: string, message: string): Error {
  return new Error(`layer ${index} (${type}): ${message}`);
}

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Output shape and parameter shapes of `spec` given its input shape.
 * @throws Error naming the layer when the input does not fit
 */
export function inferLayerShape(spec: LayerSpec, index: number, inputShape: readonly number[]): LayerShapeInfo {
  const base = { index, type: spec.type, name: layerName(spec.type, index), inputShape: [...inputShape] };
  switch (spec.type) {
    case 'dense': {
      if (inputShape.length !== 1) {
        throw layerError(index, spec.type, `expects a flat input of rank 1, got shape ${fmt(inputShape)}`);
      }
      const fanIn = inputShape[0] as number;
      const paramShapes: Record<string, number[]> = { kernel: [fanIn, spec.units] };
      if (spec.useBias) paramShapes.bias = [spec.units];
      return { ...base, outputShape: [spec.units], paramShapes, paramCount: fanIn * spec.units + (spec.useBias ? spec.units : 0) };
    }
    case 'dropout':
      return { ...base, outputShape: [...inputShape], paramShapes: {}, paramCount: 0 };
    default: {
      const never: never = spec;
      throw new Error(`Unknown layer type '${(never as { type: string }).type}'`);
    }
  }
}

/**
 * Shapes of every layer of a network, in order (pure; usable for a builder's live shape check).
 * @throws Error naming the first layer whose input does not fit
 */
export function inferNetworkShapes(network: NetworkSpec): LayerShapeInfo[] {
  const out: LayerShapeInfo[] = [];
  let shape: readonly number[] = network.inputShape;
  network.layers.forEach((spec, index) => {
    const info = inferLayerShape(spec, index, shape);
    out.push(info);
    shape = info.outputShape;
  });
  return out;
}
