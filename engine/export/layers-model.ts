import type * as tfjs from '@tensorflow/tfjs';
import { type ActivationSpec, type NetworkSpec, type ResidualLayerSpec, inferNetworkShapes } from '../../contract/index.js';
import type { TF } from '../tf.js';
import { exportResidual, type PlainTensor } from './residual-weights.js';
import type { NamedWeight } from './weights.js';

type SymbolicTensor = tfjs.SymbolicTensor;

/** The two files of a TensorFlow.js layers model, before they are written. */
export interface LayersModelFiles {
  /** Contents of model.json: `modelTopology` plus a `weightsManifest` pointing at `weightsPath`. */
  modelJson: Record<string, unknown>;
  /** Contents of the weights file (little-endian float32, in manifest order). */
  weightsBin: Uint8Array;
}

/** Activations that are a built-in Keras activation name in tfjs-layers (elu only with alpha = 1). */
function kerasActivationName(spec: ActivationSpec): string | null {
  switch (spec.name) {
    case 'leakyRelu':
      return null; // a LeakyReLU layer carries alpha
    case 'elu':
      return spec.alpha === 1 ? 'elu' : null; // tfjs's ELU layer refuses alpha ≠ 1
    default:
      return spec.name; // linear sigmoid tanh relu selu gelu (exact) swish softplus softsign hardSigmoid relu6 softmax
  }
}

/**
 * Applies an activation that has no Keras activation name, with standard (serialisable) layers only:
 * - leakyRelu(alpha): a LeakyReLU layer;
 * - elu(alpha ≠ 1): (1 − α)·relu(x) + α·elu₁(x), which is x for x > 0 and α(eˣ − 1) otherwise, as two
 *   Activation layers, two Rescaling layers and an Add layer.
 */
function applySeparateActivation(tf: TF, x: SymbolicTensor, spec: ActivationSpec, name: string): SymbolicTensor {
  if (spec.name === 'leakyRelu') return tf.layers.leakyReLU({ alpha: spec.alpha, name: `${name}_leakyRelu` }).apply(x) as SymbolicTensor;
  if (spec.name !== 'elu') throw new Error(`tfjs export: activation '${spec.name}' needs no separate layer`);
  const relu = tf.layers.activation({ activation: 'relu', name: `${name}_elu_relu` }).apply(x) as SymbolicTensor;
  const elu1 = tf.layers.activation({ activation: 'elu', name: `${name}_elu_unit` }).apply(x) as SymbolicTensor;
  const a = tf.layers.rescaling({ scale: 1 - spec.alpha, offset: 0, name: `${name}_elu_linearPart` }).apply(relu) as SymbolicTensor;
  const b = tf.layers.rescaling({ scale: spec.alpha, offset: 0, name: `${name}_elu_expPart` }).apply(elu1) as SymbolicTensor;
  return tf.layers.add({ name: `${name}_elu` }).apply([a, b]) as SymbolicTensor;
}

type ActivationIdentifier = NonNullable<Parameters<TF['layers']['activation']>[0]>['activation'];

type Activate = (h: SymbolicTensor, spec: ActivationSpec, name: string, fused: boolean) => SymbolicTensor;

/**
 * A residual block as standard Keras layers (no Lambda): the branch's dense/conv2d layers (linear, 'same'
 * padding), batchNormalization, activations, Fixup's offsets as Rescaling(scale 1, offset b) layers, the
 * projection as a bias-free dense or 1×1 conv2d, and an Add layer named after the block (`residual_3`);
 * SkipInit's α and Fixup's multiplier and biases folded into the weights (residual-weights.ts). The layers'
 * weights are queued in `presets`, set once the model exists.
 */
function residualBlock(
  tf: TF,
  spec: ResidualLayerSpec,
  name: string,
  x: SymbolicTensor,
  byName: ReadonlyMap<string, NamedWeight>,
  activate: Activate,
  presets: { layer: tfjs.layers.Layer; values: PlainTensor[] }[],
): SymbolicTensor {
  let w;
  try {
    w = exportResidual(spec, name, byName);
  } catch (error) {
    throw new Error(`tfjs export: ${error instanceof Error ? error.message : String(error)}`);
  }
  const conv = spec.branch === 'conv2d';
  const kernelSize = typeof spec.kernelSize === 'number' ? spec.kernelSize : [...spec.kernelSize];
  const weightLayer = (part: string, kernel: PlainTensor, bias: PlainTensor | null, size: number | number[]): tfjs.layers.Layer => {
    const common = { useBias: bias !== null, activation: 'linear' as ActivationIdentifier, name: `${name}_${part}` };
    const layer = conv
      ? tf.layers.conv2d({ filters: spec.units, kernelSize: size, strides: 1, padding: 'same', dataFormat: 'channelsLast', ...common })
      : tf.layers.dense({ units: spec.units, ...common });
    presets.push({ layer, values: bias ? [kernel, bias] : [kernel] });
    return layer;
  };
  const norm = (part: string, n: NonNullable<typeof w.norm1>, h: SymbolicTensor): SymbolicTensor => {
    const layer = tf.layers.batchNormalization({ axis: -1, momentum: 0.99, epsilon: 1e-3, name: `${name}_${part}` });
    presets.push({ layer, values: [n.gamma, n.beta, n.movingMean, n.movingVariance] });
    return layer.apply(h) as SymbolicTensor;
  };
  const offset = (part: string, b: number | null, h: SymbolicTensor): SymbolicTensor =>
    b === null ? h : (tf.layers.rescaling({ scale: 1, offset: b, name: `${name}_${part}` }).apply(h) as SymbolicTensor);
  let h = offset('offset1', w.offset1, x);
  h = weightLayer('layer1', w.kernel1, w.bias1, kernelSize).apply(h) as SymbolicTensor;
  if (w.norm1) h = norm('norm1', w.norm1, h);
  h = activate(h, spec.activation, `${name}_act1`, false);
  h = offset('offset2', w.offset2, h);
  h = weightLayer('layer2', w.kernel2, w.bias2, kernelSize).apply(h) as SymbolicTensor;
  if (w.norm2) h = norm('norm2', w.norm2, h);
  const skip = w.projection ? (weightLayer('projection', w.projection, null, 1).apply(x) as SymbolicTensor) : x;
  const sum = tf.layers.add({ name }).apply([skip, h]) as SymbolicTensor;
  return spec.postActivation ? activate(sum, spec.activation, `${name}_act`, false) : sum;
}

/**
 * Builds a tf.LayersModel equal (at inference) to the engine's network with these weights. Layer
 * names follow the engine's ('dense_0', 'conv2d_2'); extra activation layers get suffixes.
 * The caller owns the returned model (model.dispose()).
 * @throws Error naming the layer whose weight is missing or mis-shaped
 */
export function buildLayersModel(tf: TF, network: NetworkSpec, weights: readonly NamedWeight[]): tfjs.LayersModel {
  const shapes = inferNetworkShapes(network);
  const byName = new Map(weights.map((w) => [w.name, w]));
  const input = tf.input({ shape: [...network.inputShape], name: 'input' });
  let x: SymbolicTensor = input;
  const assignments: { layer: tfjs.layers.Layer; roles: string[]; layerName: string }[] = [];
  const presets: { layer: tfjs.layers.Layer; values: PlainTensor[] }[] = [];
  const activate = (h: SymbolicTensor, spec: ActivationSpec, name: string, fused: boolean): SymbolicTensor => {
    const keras = kerasActivationName(spec);
    if (keras !== null) {
      if (fused || spec.name === 'linear') return h;
      return tf.layers.activation({ activation: keras as ActivationIdentifier, name }).apply(h) as SymbolicTensor;
    }
    return applySeparateActivation(tf, h, spec, name);
  };
  network.layers.forEach((spec, i) => {
    const info = shapes[i]!;
    const name = info.name;
    switch (spec.type) {
      case 'dense': {
        const fused = kerasActivationName(spec.activation);
        const layer = tf.layers.dense({ units: spec.units, useBias: spec.useBias, activation: (fused ?? 'linear') as ActivationIdentifier, name });
        x = layer.apply(x) as SymbolicTensor;
        assignments.push({ layer, roles: spec.useBias ? ['kernel', 'bias'] : ['kernel'], layerName: name });
        if (fused === null) x = activate(x, spec.activation, `${name}_act`, false);
        return;
      }
      case 'conv2d': {
        const fused = kerasActivationName(spec.activation);
        const layer = tf.layers.conv2d({
          filters: spec.filters,
          kernelSize: typeof spec.kernelSize === 'number' ? spec.kernelSize : [...spec.kernelSize],
          strides: typeof spec.strides === 'number' ? spec.strides : [...spec.strides],
          padding: spec.padding,
          useBias: spec.useBias,
          dataFormat: 'channelsLast',
          activation: (fused ?? 'linear') as ActivationIdentifier,
          name,
        });
        x = layer.apply(x) as SymbolicTensor;
        assignments.push({ layer, roles: spec.useBias ? ['kernel', 'bias'] : ['kernel'], layerName: name });
        if (fused === null) x = activate(x, spec.activation, `${name}_act`, false);
        return;
      }
      case 'dropout':
        x = tf.layers.dropout({ rate: spec.rate, name }).apply(x) as SymbolicTensor;
        return;
      case 'maxPool2d':
      case 'avgPool2d': {
        const args = {
          poolSize: typeof spec.poolSize === 'number' ? spec.poolSize : ([...spec.poolSize] as [number, number]),
          strides: spec.strides === undefined ? undefined : typeof spec.strides === 'number' ? spec.strides : ([...spec.strides] as [number, number]),
          padding: spec.padding,
          name,
        };
        x = (spec.type === 'maxPool2d' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args)).apply(x) as SymbolicTensor;
        return;
      }
      case 'flatten':
        x = tf.layers.flatten({ name }).apply(x) as SymbolicTensor;
        return;
      case 'reshape':
        // Keras Reshape is row-major over the per-sample axes, like the engine's reshape.
        x = tf.layers.reshape({ targetShape: [...spec.targetShape], name }).apply(x) as SymbolicTensor;
        return;
      case 'batchNorm': {
        const layer = tf.layers.batchNormalization({ axis: -1, momentum: spec.momentum, epsilon: spec.epsilon, name });
        x = layer.apply(x) as SymbolicTensor;
        assignments.push({ layer, roles: ['gamma', 'beta', 'movingMean', 'movingVariance'], layerName: name });
        return;
      }
      case 'activation':
        x = activate(x, spec.activation, name, false);
        return;
      case 'residual':
        x = residualBlock(tf, spec, name, x, byName, activate, presets);
        return;
      default: {
        const never: never = spec;
        throw new Error(`tfjs export: layer type '${(never as { type: string }).type}' is not supported`);
      }
    }
  });
  const model = tf.model({ inputs: input, outputs: x, name: network.name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'network' });
  try {
    for (const { layer, roles, layerName } of assignments) {
      const values = roles.map((role) => {
        const w = byName.get(`${layerName}/${role}`);
        if (!w) throw new Error(`tfjs export: layer ${layerName} has no stored '${role}' weight`);
        return tf.tensor(w.values, w.shape, 'float32');
      });
      try {
        layer.setWeights(values);
      } finally {
        for (const t of values) t.dispose();
      }
    }
    for (const { layer, values } of presets) {
      const tensors = values.map((v) => tf.tensor(v.values, v.shape, 'float32'));
      try {
        layer.setWeights(tensors);
      } finally {
        for (const t of tensors) t.dispose();
      }
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/**
 * Serialises a trained network as a TensorFlow.js layers model (what `model.save` writes), without
 * touching the file system: model.json's object and the weights file's bytes.
 * @param weightsPath the weights file name recorded in the manifest, e.g. 'weights.bin'
 */
export async function exportLayersModel(
  tf: TF,
  network: NetworkSpec,
  weights: readonly NamedWeight[],
  weightsPath: string,
  producer: string,
): Promise<LayersModelFiles> {
  const model = buildLayersModel(tf, network, weights);
  try {
    let captured: tfjs.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        captured = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    const artifacts = captured as tfjs.io.ModelArtifacts | null;
    if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error('tfjs export: model.save produced no weights');
    const data = artifacts.weightData;
    const joined = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
    return {
      modelJson: {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: producer,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs }],
      },
      weightsBin: new Uint8Array(joined),
    };
  } finally {
    model.dispose();
  }
}
