import type { LayerSpec, NetworkSpec, Size2D } from './network.js';

/**
 * Shape inference of a network, without TensorFlow.js: the one copy the engine (to build layers), the
 * host (to refuse an impossible network before a run is stored) and the Builder (live shape check)
 * all use. Shapes exclude the batch dimension.
 */

/** Why a layer cannot take its input; `params` fill the UI's translated message `shapeErrors.<code>`. */
export interface ShapeProblem {
  code: 'needsFlat' | 'needsImage' | 'tooSmall' | 'badSize' | 'countMismatch' | 'skipMismatch';
  params: Record<string, string | number>;
  /** The same problem in English, e.g. `expects a flat input of rank 1, got shape [28, 28] (add a flatten layer before it)`. */
  message: string;
}

/** Shape facts about one layer. */
export interface LayerShapeInfo {
  index: number;
  type: LayerSpec['type'];
  /** `${type}_${index}`, e.g. 'dense_2'. */
  name: string;
  inputShape: number[];
  /** Output shape; for a layer with a problem, the input shape (a dense layer: [units]) so later layers still get checked. */
  outputShape: number[];
  /** Shapes of the trainable parameters by role, e.g. { kernel: [16, 8], bias: [8] }. */
  paramShapes: Record<string, number[]>;
  /** Number of trainable scalar parameters. */
  paramCount: number;
  /** Non-trainable scalars the layer keeps (batchNorm's moving mean and variance, one each per channel). */
  stateCount: number;
  problem: ShapeProblem | null;
}

/** Conventional name of layer `index` of type `type`: 'dense_2' is NetworkSpec.layers[2]. */
export function layerName(type: string, index: number): string {
  return `${type}_${index}`;
}

/** An Error whose message names the layer: `layer 3 (dense): …`. */
export function layerError(index: number, type: string, message: string): Error {
  return new Error(`layer ${index} (${type}): ${message}`);
}

/** A {@link Size2D} as [height, width]. */
export function pair(size: Size2D): [number, number] {
  return typeof size === 'number' ? [size, size] : [size[0], size[1]];
}

/**
 * Output length of a convolution or pooling window along one axis.
 * - valid: ⌊(input − window)/stride⌋ + 1 (0 when the window does not fit)
 * - same: ⌈input/stride⌉
 */
export function windowOutputLength(input: number, window: number, stride: number, padding: 'valid' | 'same'): number {
  if (padding === 'same') return Math.ceil(input / stride);
  return input < window ? 0 : Math.floor((input - window) / stride) + 1;
}

/** A shape as the UI shows it: `[28×28×1]`. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join('×')}]`;
}

/** Number of values in a tensor of `shape` (1 for []). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
/** A whole count from a value that may be mid-edit in the Builder (NaN, negative, fractional → a whole number ≥ 0). */
const whole = (n: number): number => (Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0);
const validSize = (n: number): boolean => Number.isInteger(n) && n >= 1;

function problem(code: ShapeProblem['code'], params: ShapeProblem['params'], message: string): ShapeProblem {
  return { code, params, message };
}

type Facts = Pick<LayerShapeInfo, 'outputShape' | 'paramShapes' | 'paramCount' | 'stateCount' | 'problem'>;

function windowLayer(spec: Extract<LayerSpec, { type: 'conv2d' | 'maxPool2d' | 'avgPool2d' }>, inputShape: number[]): Facts {
  const same: Facts = { outputShape: inputShape, paramShapes: {}, paramCount: 0, stateCount: 0, problem: null };
  if (inputShape.length !== 3) {
    return {
      ...same,
      problem: problem('needsImage', { shape: showShape(inputShape) }, `expects an input of rank 3 [height, width, channels], got shape ${fmt(inputShape)}`),
    };
  }
  const [h, w, c] = inputShape as [number, number, number];
  const isConv = spec.type === 'conv2d';
  const [kh, kw] = pair(isConv ? spec.kernelSize : spec.poolSize);
  const [sh, sw] = pair(spec.strides ?? (isConv ? 1 : spec.poolSize));
  if (![kh, kw, sh, sw].every(validSize)) {
    return { ...same, problem: problem('badSize', {}, 'kernel, pool size and stride must be whole numbers of at least 1') };
  }
  const outH = windowOutputLength(h, kh, sh, spec.padding);
  const outW = windowOutputLength(w, kw, sw, spec.padding);
  if (outH < 1 || outW < 1) {
    const what = isConv ? 'kernel' : 'pool';
    return {
      ...same,
      problem: problem(
        'tooSmall',
        { shape: showShape(inputShape), kernel: `${kh}×${kw}` },
        `${what} ${kh}×${kw} does not fit the ${h}×${w} input with 'valid' padding`,
      ),
    };
  }
  if (spec.type !== 'conv2d') return { ...same, outputShape: [outH, outW, c] };
  const filters = whole(spec.filters);
  const paramShapes: Record<string, number[]> = { kernel: [kh, kw, c, filters] };
  if (spec.useBias) paramShapes.bias = [filters];
  return { ...same, outputShape: [outH, outW, filters], paramShapes, paramCount: kh * kw * c * filters + (spec.useBias ? filters : 0) };
}

/**
 * Parameter shapes of a residual block by role (see ResidualLayerSpec), main weight first:
 * kernel (layer 1), bias, gamma, beta (norm 1), kernel2, bias2, gamma2, beta2, projection, alpha (skipInit),
 * fixupBias1a, fixupBias1b, fixupBias2a, fixupScale, fixupBias2b (fixup; scalars have shape [1]).
 * Layer biases exist when `useBias` and the init is not fixup.
 */
export function residualParamShapes(spec: Extract<LayerSpec, { type: 'residual' }>, inputShape: readonly number[]): Record<string, number[]> {
  const u = whole(spec.units);
  const inC = inputShape[inputShape.length - 1] ?? 0;
  const [kh, kw] = pair(spec.kernelSize);
  const conv = spec.branch === 'conv2d';
  const shapes: Record<string, number[]> = {};
  const biases = spec.useBias && spec.init !== 'fixup';
  const bn = spec.normalization === 'batchNorm';
  shapes.kernel = conv ? [kh, kw, inC, u] : [inC, u];
  if (biases) shapes.bias = [u];
  if (bn) Object.assign(shapes, { gamma: [u], beta: [u] });
  shapes.kernel2 = conv ? [kh, kw, u, u] : [u, u];
  if (biases) shapes.bias2 = [u];
  if (bn) Object.assign(shapes, { gamma2: [u], beta2: [u] });
  if (spec.skip === 'projection') shapes.projection = conv ? [1, 1, inC, u] : [inC, u];
  if (spec.init === 'skipInit') shapes.alpha = [1];
  if (spec.init === 'fixup') for (const role of FIXUP_SCALARS) shapes[role] = [1];
  return shapes;
}

/** The learnable scalars of a Fixup block, in the order they act on the branch. */
export const FIXUP_SCALARS = ['fixupBias1a', 'fixupBias1b', 'fixupBias2a', 'fixupScale', 'fixupBias2b'] as const;

function residualFacts(spec: Extract<LayerSpec, { type: 'residual' }>, inputShape: number[]): Facts {
  const u = whole(spec.units);
  const conv = spec.branch === 'conv2d';
  const outputShape = conv ? [...inputShape.slice(0, 2), u] : [u];
  const same: Facts = { outputShape, paramShapes: {}, paramCount: 0, stateCount: 0, problem: null };
  if (!conv && inputShape.length !== 1) {
    const message = `a dense residual block expects a flat input of rank 1, got shape ${fmt(inputShape)} (add a flatten layer before it)`;
    return { ...same, problem: problem('needsFlat', { shape: showShape(inputShape) }, message) };
  }
  if (conv && inputShape.length !== 3) {
    const message = `a conv2d residual block expects an input of rank 3 [height, width, channels], got shape ${fmt(inputShape)}`;
    return { ...same, outputShape: [u], problem: problem('needsImage', { shape: showShape(inputShape) }, message) };
  }
  if (conv && !pair(spec.kernelSize).every(validSize)) {
    return { ...same, problem: problem('badSize', {}, 'kernel size must be whole numbers of at least 1') };
  }
  const inC = inputShape[inputShape.length - 1] as number;
  if (spec.skip === 'identity' && inC !== u) {
    const message = `an identity skip needs the input's last axis (${inC}) to equal the block's units (${u}); use skip 'projection' or ${inC} units`;
    return { ...same, problem: problem('skipMismatch', { inUnits: inC, units: u }, message) };
  }
  const paramShapes = residualParamShapes(spec, inputShape);
  const paramCount = Object.values(paramShapes).reduce((sum, shape) => sum + shapeSize(shape), 0);
  return { ...same, paramShapes, paramCount, stateCount: spec.normalization === 'batchNorm' ? 4 * u : 0 };
}

function layerFacts(spec: LayerSpec, inputShape: number[]): Facts {
  const same: Facts = { outputShape: inputShape, paramShapes: {}, paramCount: 0, stateCount: 0, problem: null };
  switch (spec.type) {
    case 'dense': {
      const units = whole(spec.units);
      if (inputShape.length !== 1) {
        const message = `expects a flat input of rank 1, got shape ${fmt(inputShape)} (add a flatten layer before it)`;
        return { ...same, outputShape: [units], problem: problem('needsFlat', { shape: showShape(inputShape) }, message) };
      }
      const fanIn = inputShape[0] as number;
      const paramShapes: Record<string, number[]> = { kernel: [fanIn, units] };
      if (spec.useBias) paramShapes.bias = [units];
      return { ...same, outputShape: [units], paramShapes, paramCount: fanIn * units + (spec.useBias ? units : 0) };
    }
    case 'dropout':
    case 'activation':
      return same;
    case 'flatten':
      return { ...same, outputShape: [shapeSize(inputShape)] };
    case 'reshape': {
      const target = spec.targetShape.map(whole);
      const inSize = shapeSize(inputShape);
      const outSize = shapeSize(target);
      if (inSize === outSize) return { ...same, outputShape: target };
      const message = `cannot reshape ${fmt(inputShape)} (${inSize} values) to ${fmt(target)} (${outSize} values): the element counts must match`;
      return { ...same, problem: problem('countMismatch', { shape: showShape(inputShape), target: showShape(target) }, message) };
    }
    case 'batchNorm': {
      const channels = inputShape[inputShape.length - 1] ?? 0;
      return { ...same, paramShapes: { gamma: [channels], beta: [channels] }, paramCount: 2 * channels, stateCount: 2 * channels };
    }
    case 'conv2d':
    case 'maxPool2d':
    case 'avgPool2d':
      return windowLayer(spec, inputShape);
    case 'residual':
      return residualFacts(spec, inputShape);
    default: {
      const never: never = spec;
      throw new Error(`Unknown layer type '${(never as { type: string }).type}'`);
    }
  }
}

/** Output shape, parameter shapes and (when it cannot take `inputShape`) the problem of layer `index`. */
export function inferLayerShape(spec: LayerSpec, index: number, inputShape: readonly number[]): LayerShapeInfo {
  const input = inputShape.map(whole);
  return { index, type: spec.type, name: layerName(spec.type, index), inputShape: input, ...layerFacts(spec, input) };
}

/**
 * Follows the input shape through every layer (never throws): each layer's input and output shape,
 * parameters and, when it cannot take its input (a dense layer after an image, a conv after a flat
 * vector, a window larger than the image, a reshape that changes the element count), the problem.
 */
export function followShapes(inputShape: readonly number[], layers: readonly LayerSpec[]): LayerShapeInfo[] {
  let current: readonly number[] = inputShape;
  return layers.map((spec, index) => {
    const info = inferLayerShape(spec, index, current);
    current = info.outputShape;
    return info;
  });
}

/**
 * Shapes of every layer of a network, in order.
 * @throws Error naming the first layer whose input does not fit (`layer 3 (dense): expects a flat input …`)
 */
export function inferNetworkShapes(network: NetworkSpec): LayerShapeInfo[] {
  const shapes = followShapes(network.inputShape, network.layers);
  const bad = shapes.find((s) => s.problem);
  if (bad?.problem) throw layerError(bad.index, bad.type, bad.problem.message);
  return shapes;
}

/** Trainable plus non-trainable parameters of all layers (what the Builder shows as the network's size). */
export function totalParams(shapes: readonly LayerShapeInfo[]): number {
  return shapes.reduce((sum, s) => sum + s.paramCount + s.stateCount, 0);
}
