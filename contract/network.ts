import { z } from 'zod';
import { strictObject } from './strict.js';
import { ActivationSpec } from './activation.js';
import { InitializerSpec } from './initializer.js';

/**
 * Width of a dense layer the builder adds (from the palette, the "+" button, or a layer switched to
 * dense): the one default, the same as the starting network's hidden layers.
 */
export const DEFAULT_DENSE_UNITS = 16;

/** A fully connected layer: y = activation(x·W + b), W of shape [fanIn, units]. */
export const DenseLayerSpec = strictObject({
  type: z.literal('dense'),
  units: z.number().int().min(1).max(65536),
  activation: ActivationSpec.default({ name: 'linear' }),
  kernelInitializer: InitializerSpec.default({ name: 'glorotUniform' }),
  biasInitializer: InitializerSpec.default({ name: 'zeros' }),
  useBias: z.boolean().default(true),
});
export type DenseLayerSpec = z.infer<typeof DenseLayerSpec>;

/** Inverted dropout: during training zeroes each unit with probability `rate` and scales by 1/(1−rate). */
export const DropoutLayerSpec = strictObject({
  type: z.literal('dropout'),
  rate: z.number().min(0).lt(1),
});
export type DropoutLayerSpec = z.infer<typeof DropoutLayerSpec>;

/** A spatial size or stride: one integer for both axes, or [height, width]. */
export const Size2D = z.union([z.number().int().min(1).max(4096), z.tuple([z.number().int().min(1).max(4096), z.number().int().min(1).max(4096)])]);
export type Size2D = z.infer<typeof Size2D>;

/**
 * A 2-D convolution over NHWC input [height, width, channels]: kernel [kh, kw, inC, filters].
 * Fans use the receptive field: fan_in = kh·kw·inC, fan_out = kh·kw·filters.
 * `valid` padding: out = floor((in − k)/s) + 1; `same`: out = ceil(in/s).
 */
export const Conv2DLayerSpec = strictObject({
  type: z.literal('conv2d'),
  filters: z.number().int().min(1).max(4096),
  kernelSize: Size2D.default(3),
  strides: Size2D.default(1),
  padding: z.enum(['valid', 'same']).default('valid'),
  activation: ActivationSpec.default({ name: 'linear' }),
  kernelInitializer: InitializerSpec.default({ name: 'glorotUniform' }),
  biasInitializer: InitializerSpec.default({ name: 'zeros' }),
  useBias: z.boolean().default(true),
});
export type Conv2DLayerSpec = z.infer<typeof Conv2DLayerSpec>;

/** 2-D max or average pooling over [height, width, channels]; `strides` defaults to `poolSize`. */
const pool2d = <T extends 'maxPool2d' | 'avgPool2d'>(type: T) =>
  strictObject({
    type: z.literal(type),
    poolSize: Size2D.default(2),
    strides: Size2D.optional(),
    padding: z.enum(['valid', 'same']).default('valid'),
  });
export const MaxPool2DLayerSpec = pool2d('maxPool2d');
export type MaxPool2DLayerSpec = z.infer<typeof MaxPool2DLayerSpec>;
export const AvgPool2DLayerSpec = pool2d('avgPool2d');
export type AvgPool2DLayerSpec = z.infer<typeof AvgPool2DLayerSpec>;

/** Reshapes [d1, d2, …] to [d1·d2·…] (per sample). */
export const FlattenLayerSpec = strictObject({ type: z.literal('flatten') });
export type FlattenLayerSpec = z.infer<typeof FlattenLayerSpec>;

/** A per-sample shape without the batch axis: 1 to 4 positive dimensions (each at most 2^20). */
const SampleShape = z
  .array(
    z
      .number()
      .int()
      .min(1)
      .max(1 << 20),
  )
  .min(1)
  .max(4);

/**
 * Reshapes each sample to `targetShape` (row-major, like flatten: the last axis varies fastest), e.g.
 * mnist's flat [784] to [28, 28, 1] before a conv2d. The element counts of the input and of
 * `targetShape` must be equal. No parameters.
 */
export const ReshapeLayerSpec = strictObject({
  type: z.literal('reshape'),
  targetShape: SampleShape,
});
export type ReshapeLayerSpec = z.infer<typeof ReshapeLayerSpec>;

/**
 * Batch normalisation over the last axis (Ioffe & Szegedy 2015): while training
 * y = γ·(x − μ_B)/√(σ²_B + ε) + β with batch statistics, and moving averages
 * m ← momentum·m + (1 − momentum)·μ_B (likewise for the variance) used at inference.
 */
export const BatchNormLayerSpec = strictObject({
  type: z.literal('batchNorm'),
  momentum: z.number().min(0).lt(1).default(0.99),
  epsilon: z.number().positive().max(1).default(1e-3),
});
export type BatchNormLayerSpec = z.infer<typeof BatchNormLayerSpec>;

/** A standalone activation (e.g. after batchNorm): y = activation(x), element-wise. */
export const ActivationLayerSpec = strictObject({
  type: z.literal('activation'),
  activation: ActivationSpec,
});
export type ActivationLayerSpec = z.infer<typeof ActivationLayerSpec>;

/** How a residual block's weights start (see ResidualLayerSpec). */
export const RESIDUAL_INITS = ['standard', 'fixup', 'skipInit'] as const;
export type ResidualInit = (typeof RESIDUAL_INITS)[number];

/**
 * A residual block (He et al. 2016) of two dense or two conv2d layers:
 *
 *   branch(x) = layer2( act( norm1( layer1(x) ) ) ) → norm2
 *   y = skip(x) + α·branch(x)            (postActivation: y = act(skip(x) + α·branch(x)))
 *
 * - `branch` 'dense': layer1 [fanIn, units], layer2 [units, units]; input rank 1.
 *   'conv2d': `kernelSize` convolutions with 'same' padding and stride 1 (the spatial size is kept),
 *   layer1 [kh, kw, inC, units], layer2 [kh, kw, units, units]; input rank 3 [h, w, c].
 * - `units`: the width of both branch layers and of the block's output (dense units, conv filters).
 * - `skip` 'identity': skip(x) = x, needs the input's last axis to equal `units` (else the shape check
 *   refuses the block naming it); 'projection': skip(x) = x·P with P [fanIn, units] (conv2d: a 1×1
 *   convolution [1, 1, inC, units]), no bias, drawn with `projectionInitializer` (LeCun normal: a linear
 *   map that keeps the variance).
 * - `normalization` 'batchNorm': norm1 and norm2 are batch normalisations (momentum 0.99, ε 1e-3)
 *   over the channel axis; 'none': identity.
 * - The default is the "pre-add, no output activation" form (the residual stream x is never passed
 *   through an activation, as in Brock et al. 2021's signal-propagation analysis); `postActivation`
 *   true applies `activation` after the add, as in the original ResNet.
 * - `init` 'standard': α = 1 (not a parameter), layers drawn with `kernelInitializer`, biases 0.
 *   'skipInit' (De & Smith 2020): α a learnable scalar initialised 0, so every block starts as the
 *   skip. 'fixup' (Zhang et al. 2019): layer2's kernel starts at 0, layer1's kernel is drawn with
 *   `kernelInitializer` and scaled by L^(−1/(2m−2)) = L^(−1/2) (L = the network's number of residual
 *   blocks, m = 2 layers per branch); the layers have no biases (`useBias` is ignored) but four
 *   learnable scalar biases (init 0) and a scalar multiplier (init 1):
 *   branch(x) = scale · layer2(act(layer1(x + b1a) + b1b) + b2a) + b2b; α = 1.
 */
export const ResidualLayerSpec = strictObject({
  type: z.literal('residual'),
  branch: z.enum(['dense', 'conv2d']).default('dense'),
  units: z.number().int().min(1).max(65536),
  /** conv2d branches only ('same' padding, stride 1); ignored for dense. */
  kernelSize: Size2D.default(3),
  activation: ActivationSpec.default({ name: 'relu' }),
  kernelInitializer: InitializerSpec.default({ name: 'heNormal' }),
  useBias: z.boolean().default(true),
  normalization: z.enum(['none', 'batchNorm']).default('none'),
  skip: z.enum(['identity', 'projection']).default('identity'),
  projectionInitializer: InitializerSpec.default({ name: 'lecunNormal' }),
  init: z.enum(RESIDUAL_INITS).default('standard'),
  postActivation: z.boolean().default(false),
});
export type ResidualLayerSpec = z.infer<typeof ResidualLayerSpec>;

/** One layer of a network, discriminated on `type`. */
export const LayerSpec = z.discriminatedUnion('type', [
  DenseLayerSpec,
  DropoutLayerSpec,
  Conv2DLayerSpec,
  MaxPool2DLayerSpec,
  AvgPool2DLayerSpec,
  FlattenLayerSpec,
  BatchNormLayerSpec,
  ActivationLayerSpec,
  ReshapeLayerSpec,
  ResidualLayerSpec,
]);
export type LayerSpec = z.infer<typeof LayerSpec>;

/**
 * A feed-forward network: `inputShape` excludes the batch dimension (e.g. [2] for 2-D points,
 * [784] for flattened digits). The last layer's units must match the dataset's outputs.
 */
export const NetworkSpec = strictObject({
  name: z.string().min(1).max(200).default('network'),
  inputShape: SampleShape,
  layers: z.array(LayerSpec).min(1).max(256),
});
export type NetworkSpec = z.infer<typeof NetworkSpec>;
