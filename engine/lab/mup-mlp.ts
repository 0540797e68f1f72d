import type { ActivationSpec, InitializerSpec, Parametrization } from '../../contract/index.js';
import { applyActivation } from '../activations.js';
import { initialValues } from '../initializers.js';
import { deriveSeed } from '../random.js';
import type { Tensor, TF } from '../tf.js';

/** The shape of a width-scaled MLP: input size, hidden layers (all `width` wide) and output units. */
export interface MlpShape {
  inputSize: number;
  /** One entry per hidden layer: its activation and (for SP) its kernel initializer. */
  hidden: { activation: ActivationSpec; kernelInitializer: InitializerSpec }[];
  /** The output layer's kernel initializer under SP. */
  outputInitializer: InitializerSpec;
  outputUnits: number;
}

/** How one parametrization sets up a width: per-parameter init and learning-rate factors, output multiplier. */
export interface MlpParametrization {
  parametrization: Parametrization;
  width: number;
  baseWidth: number;
  optimizer: 'adam' | 'sgd';
  /** μP only: output kernel N(0, 1/fan_in) or zero. */
  outputInit: 'gaussian' | 'zero';
}

/** A built MLP: kernels and biases (plain tensors, owned by the caller), LR factor per parameter, output multiplier. */
export interface MupMlp {
  /** [kernel_0, bias_0, kernel_1, bias_1, …, kernel_out, bias_out]; kernel_i has shape [fanIn, fanOut]. */
  params: Tensor[];
  /** Learning-rate factor per entry of `params` (multiplies the base η). */
  lrFactors: number[];
  /** Factor applied to the logits (1 under SP, baseWidth/width under μP). */
  outputMultiplier: number;
  activations: ActivationSpec[];
}

/**
 * Learning-rate factors of μP relative to the base η, following the mup package (MuAdam / MuSGD) with
 * width multiplier m = width/baseWidth:
 * - Adam: hidden (width×width) kernels η/m; input kernel, every bias and the output kernel η.
 * - SGD: "vector-like" parameters (one width-sized dimension: input kernel, hidden biases, output
 *   kernel) η·m; hidden kernels η; the output bias η.
 * SP: η for every parameter.
 * @returns factors in the order of {@link MupMlp.params}
 */
export function mupLrFactors(p: MlpParametrization, hiddenLayers: number): number[] {
  const m = p.width / p.baseWidth;
  const factors: number[] = [];
  for (let i = 0; i <= hiddenLayers; i++) {
    const isInput = i === 0;
    const isOutput = i === hiddenLayers;
    if (p.parametrization === 'standard') {
      factors.push(1, 1);
    } else if (p.optimizer === 'adam') {
      factors.push(isInput || isOutput ? 1 : 1 / m, 1);
    } else {
      const kernel = isInput || isOutput ? m : 1;
      factors.push(kernel, isOutput ? 1 : m);
    }
  }
  return factors;
}

/**
 * Builds the MLP at one width under one parametrization. Under SP each kernel uses the network's own
 * initializer; under μP input and hidden kernels are N(0, 1/fan_in), the output kernel N(0, 1/fan_in)
 * or zero, and the readout's product h·W is multiplied by baseWidth/width (the bias added after). Biases start at zero. Seeded by `seed`
 * (layer i's kernel: deriveSeed(seed, 'coord', i)), so SP and μP at one seed differ only by their rules.
 */
export function buildMupMlp(tf: TF, shape: MlpShape, p: MlpParametrization, seed: number): MupMlp {
  const dims = [shape.inputSize, ...shape.hidden.map(() => p.width), shape.outputUnits];
  const params: Tensor[] = [];
  const L = dims.length - 1;
  for (let i = 0; i < L; i++) {
    const fanIn = dims[i]!;
    const fanOut = dims[i + 1]!;
    const isOutput = i === L - 1;
    let init: InitializerSpec;
    if (p.parametrization === 'standard') init = isOutput ? shape.outputInitializer : shape.hidden[i]!.kernelInitializer;
    else if (isOutput && p.outputInit === 'zero') init = { name: 'zeros' };
    else init = { name: 'normal', mean: 0, std: 1 / Math.sqrt(fanIn) };
    params.push(tf.tensor2d(initialValues(init, [fanIn, fanOut], deriveSeed(seed, 'coord', i)), [fanIn, fanOut]));
    params.push(tf.zeros([fanOut]));
  }
  return {
    params,
    lrFactors: mupLrFactors(p, shape.hidden.length),
    outputMultiplier: p.parametrization === 'mup' ? p.baseWidth / p.width : 1,
    activations: shape.hidden.map((h) => h.activation),
  };
}

/**
 * Forward pass: hidden layers h_i = act_i(h_{i−1}·W_i + b_i), logits = (h·W_out)·multiplier + b_out.
 * @param x input batch [batch, inputSize]
 * @returns every layer's output: hidden activations [batch, width] then the logits [batch, outputUnits]
 */
export function mlpForward(tf: TF, mlp: Pick<MupMlp, 'activations' | 'outputMultiplier'>, params: readonly Tensor[], x: Tensor): Tensor[] {
  const outputs: Tensor[] = [];
  let h = x;
  const L = params.length / 2;
  for (let i = 0; i < L; i++) {
    const product = tf.matMul(h as import('@tensorflow/tfjs').Tensor2D, params[2 * i] as import('@tensorflow/tfjs').Tensor2D);
    const isOutput = i === L - 1;
    // μP's readout (mup's MuReadout): the product is scaled, the bias added after, as in a μP run (engine/mup-plan.ts).
    const z = tf.add(isOutput && mlp.outputMultiplier !== 1 ? tf.mul(product, mlp.outputMultiplier) : product, params[2 * i + 1]!);
    h = isOutput ? z : applyActivation(tf, z, mlp.activations[i]!);
    outputs.push(h);
  }
  return outputs;
}
