import { z } from 'zod';
import { ActivationSpec } from './activation.js';
import { InitializerSpec } from './initializer.js';

/** A fully connected layer: y = activation(x·W + b), W of shape [fanIn, units]. */
export const DenseLayerSpec = z.object({
  type: z.literal('dense'),
  units: z.number().int().min(1).max(65536),
  activation: ActivationSpec.default({ name: 'linear' }),
  kernelInitializer: InitializerSpec.default({ name: 'glorotUniform' }),
  biasInitializer: InitializerSpec.default({ name: 'zeros' }),
  useBias: z.boolean().default(true),
});
export type DenseLayerSpec = z.infer<typeof DenseLayerSpec>;

/** Inverted dropout: during training zeroes each unit with probability `rate` and scales by 1/(1−rate). */
export const DropoutLayerSpec = z.object({
  type: z.literal('dropout'),
  rate: z.number().min(0).lt(1),
});
export type DropoutLayerSpec = z.infer<typeof DropoutLayerSpec>;

/** One layer of a network, discriminated on `type`. Later issues add conv2d, pooling, flatten, batchNorm. */
export const LayerSpec = z.discriminatedUnion('type', [DenseLayerSpec, DropoutLayerSpec]);
export type LayerSpec = z.infer<typeof LayerSpec>;

/**
 * A feed-forward network: `inputShape` excludes the batch dimension (e.g. [2] for 2-D points,
 * [784] for flattened digits). The last layer's units must match the dataset's outputs.
 */
export const NetworkSpec = z.object({
  name: z.string().min(1).max(200).default('network'),
  inputShape: z.array(z.number().int().min(1).max(1 << 20)).min(1).max(4),
  layers: z.array(LayerSpec).min(1).max(256),
});
export type NetworkSpec = z.infer<typeof NetworkSpec>;
