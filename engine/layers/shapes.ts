import type { LayerSpec, NetworkSpec } from '../../contract/index.js';
import { pair, windowOutputLength } from './size.js';

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

/** [height, width, channels] of a spatial layer's input. @throws Error naming the layer if not rank 3 */
function spatialInput(type: string, index: number, inputShape: readonly number[]): [number, number, number] {
  if (inputShape.length !== 3) {
    throw layerError(index, type, `expects an input of rank 3 [height, width, channels], got shape ${fmt(inputShape)}`);
  }
  return [inputShape[0] as number, inputShape[1] as number, inputShape[2] as number];
}

/**
 * Output shape and parameter shapes of `spec` given its input shape.
 * @throws Error naming the layer when the input does not fit
 */
export function inferLayerShape(spec: LayerSpec, index: number, inputShape: readonly number[]): LayerShapeInfo {
  const base = { index, type: spec.type, name: layerName(spec.type, index), inputShape: [...inputShape] };
  switch (spec.type) {
    case 'dense': {
      if (inputShape.length !== 1) {
        throw layerError(index, spec.type, `expects a flat input of rank 1, got shape ${fmt(inputShape)} (add a flatten layer before it)`);
      }
      const fanIn = inputShape[0] as number;
      const paramShapes: Record<string, number[]> = { kernel: [fanIn, spec.units] };
      if (spec.useBias) paramShapes.bias = [spec.units];
      return { ...base, outputShape: [spec.units], paramShapes, paramCount: fanIn * spec.units + (spec.useBias ? spec.units : 0) };
    }
    case 'dropout':
    case 'activation':
      return { ...base, outputShape: [...inputShape], paramShapes: {}, paramCount: 0 };
    case 'flatten':
      return { ...base, outputShape: [inputShape.reduce((a, b) => a * b, 1)], paramShapes: {}, paramCount: 0 };
    case 'reshape': {
      const inSize = inputShape.reduce((a, b) => a * b, 1);
      const outSize = spec.targetShape.reduce((a, b) => a * b, 1);
      if (inSize !== outSize) {
        throw layerError(index, spec.type, `cannot reshape ${fmt(inputShape)} (${inSize} values) to ${fmt(spec.targetShape)} (${outSize} values): the element counts must match`);
      }
      return { ...base, outputShape: [...spec.targetShape], paramShapes: {}, paramCount: 0 };
    }
    case 'batchNorm': {
      const channels = inputShape[inputShape.length - 1] as number;
      return { ...base, outputShape: [...inputShape], paramShapes: { gamma: [channels], beta: [channels] }, paramCount: 2 * channels };
    }
    case 'conv2d': {
      const [h, w, inC] = spatialInput(spec.type, index, inputShape);
      const [kh, kw] = pair(spec.kernelSize);
      const [sh, sw] = pair(spec.strides);
      const outH = windowOutputLength(h, kh, sh, spec.padding);
      const outW = windowOutputLength(w, kw, sw, spec.padding);
      if (outH < 1 || outW < 1) {
        throw layerError(index, spec.type, `kernel ${kh}×${kw} does not fit the ${h}×${w} input with 'valid' padding`);
      }
      const paramShapes: Record<string, number[]> = { kernel: [kh, kw, inC, spec.filters] };
      if (spec.useBias) paramShapes.bias = [spec.filters];
      const paramCount = kh * kw * inC * spec.filters + (spec.useBias ? spec.filters : 0);
      return { ...base, outputShape: [outH, outW, spec.filters], paramShapes, paramCount };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const [h, w, c] = spatialInput(spec.type, index, inputShape);
      const [ph, pw] = pair(spec.poolSize);
      const [sh, sw] = pair(spec.strides ?? spec.poolSize);
      const outH = windowOutputLength(h, ph, sh, spec.padding);
      const outW = windowOutputLength(w, pw, sw, spec.padding);
      if (outH < 1 || outW < 1) {
        throw layerError(index, spec.type, `pool ${ph}×${pw} does not fit the ${h}×${w} input with 'valid' padding`);
      }
      return { ...base, outputShape: [outH, outW, c], paramShapes: {}, paramCount: 0 };
    }
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
