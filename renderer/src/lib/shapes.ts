import type { LayerSpec } from '../../../contract/index.js';
import { numField, sizeField, strField } from './layer-kinds.js';

/** Why a layer cannot take its input; `params` fill the translated message `shapeErrors.<code>`. */
export interface ShapeProblem {
  code: 'needsFlat' | 'needsImage' | 'tooSmall' | 'badSize' | 'countMismatch';
  params: Record<string, string | number>;
}

/** What one layer does to the shape flowing through it. Shapes exclude the batch dimension. */
export interface LayerShape {
  inShape: number[];
  /** Output shape; equals the input shape when the layer is invalid (so later layers still get checked). */
  outShape: number[];
  /** Trainable + non-trainable parameters this layer owns (weights, biases, running statistics). */
  params: number;
  problem: ShapeProblem | null;
}

const whole = (n: number): number => (Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0);
const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const showShape = (shape: readonly number[]): string => `[${shape.join('×')}]`;

/** Spatial output size of a window op: 'same' → ceil(n/s), 'valid' → floor((n−k)/s)+1. */
export function windowOutput(size: number, kernel: number, stride: number, padding: string): number {
  if (padding === 'same') return Math.ceil(size / stride);
  return Math.floor((size - kernel) / stride) + 1;
}

function shapeOf(layer: LayerSpec, inShape: number[]): Omit<LayerShape, 'inShape'> {
  const type = layer.type as string;
  const same = { outShape: inShape, params: 0, problem: null };
  if (type === 'dense') {
    const units = whole(numField(layer, 'units'));
    if (inShape.length !== 1) {
      return { outShape: [units], params: 0, problem: { code: 'needsFlat', params: { shape: showShape(inShape) } } };
    }
    const useBias = (layer as { useBias?: boolean }).useBias !== false;
    return { outShape: [units], params: inShape[0]! * units + (useBias ? units : 0), problem: null };
  }
  if (type === 'flatten') return { outShape: [product(inShape)], params: 0, problem: null };
  if (type === 'reshape') {
    const target = ((layer as { targetShape?: number[] }).targetShape ?? []).map(whole);
    if (product(target) === product(inShape)) return { outShape: target, params: 0, problem: null };
    return { ...same, problem: { code: 'countMismatch', params: { shape: showShape(inShape), target: showShape(target) } } };
  }
  if (type.startsWith('conv') || type.toLowerCase().includes('pool')) {
    if (inShape.length !== 3) {
      return { ...same, problem: { code: 'needsImage', params: { shape: showShape(inShape) } } };
    }
    const [h, w, c] = inShape as [number, number, number];
    const isConv = type.startsWith('conv');
    const kernel = sizeField(layer, isConv ? 'kernelSize' : 'poolSize') ?? [isConv ? 3 : 2, isConv ? 3 : 2];
    const stride = sizeField(layer, 'strides') ?? (isConv ? [1, 1] : kernel);
    const padding = strField(layer, 'padding') || 'valid';
    if ([...kernel, ...stride].some((n) => !Number.isFinite(n) || n < 1)) {
      return { ...same, problem: { code: 'badSize', params: {} } };
    }
    const oh = windowOutput(h, kernel[0], stride[0], padding);
    const ow = windowOutput(w, kernel[1], stride[1], padding);
    if (oh < 1 || ow < 1) {
      return { ...same, problem: { code: 'tooSmall', params: { shape: showShape(inShape), kernel: kernel.join('×') } } };
    }
    if (!isConv) return { outShape: [oh, ow, c], params: 0, problem: null };
    const filters = whole(numField(layer, 'filters'));
    const useBias = (layer as { useBias?: boolean }).useBias !== false;
    return {
      outShape: [oh, ow, filters],
      params: kernel[0] * kernel[1] * c * filters + (useBias ? filters : 0),
      problem: null,
    };
  }
  if (type.toLowerCase().includes('norm')) {
    // gamma, beta (trainable) and the running mean and variance, one each per channel (last axis).
    return { outShape: inShape, params: 4 * (inShape[inShape.length - 1] ?? 0), problem: null };
  }
  return same; // dropout, activation and other shape-preserving layers
}

/**
 * Follows the input shape through every layer: each layer's input and output shape, its parameter count
 * and, when it cannot take its input (a dense layer after an image, a conv after a flat vector, a kernel
 * larger than the image), the problem.
 */
export function inferShapes(inputShape: readonly number[], layers: readonly LayerSpec[]): LayerShape[] {
  let current = inputShape.map(whole);
  return layers.map((layer) => {
    const result = shapeOf(layer, current);
    const entry: LayerShape = { inShape: current, ...result };
    current = result.outShape;
    return entry;
  });
}

/** Total parameters of a network (sum over layers). */
export function totalParams(shapes: readonly LayerShape[]): number {
  return shapes.reduce((sum, s) => sum + s.params, 0);
}

export { showShape };
