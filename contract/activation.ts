import { z } from 'zod';
import { strictObject } from './strict.js';

/**
 * Activation applied after a layer's affine map.
 * `leakyRelu.alpha` is the negative slope (literature default 0.01, not tfjs's 0.3);
 * `elu.alpha` is the saturation value for x → −∞.
 */
export const ActivationSpec = z.discriminatedUnion('name', [
  strictObject({ name: z.literal('linear') }),
  strictObject({ name: z.literal('sigmoid') }),
  strictObject({ name: z.literal('tanh') }),
  strictObject({ name: z.literal('relu') }),
  strictObject({ name: z.literal('leakyRelu'), alpha: z.number().min(0).max(1).default(0.01) }),
  strictObject({ name: z.literal('elu'), alpha: z.number().positive().max(10).default(1) }),
  strictObject({ name: z.literal('selu') }),
  strictObject({ name: z.literal('gelu') }),
  strictObject({ name: z.literal('swish') }),
  strictObject({ name: z.literal('softplus') }),
  strictObject({ name: z.literal('softsign') }),
  strictObject({ name: z.literal('hardSigmoid') }),
  strictObject({ name: z.literal('relu6') }),
  strictObject({ name: z.literal('softmax') }),
]);
export type ActivationSpec = z.infer<typeof ActivationSpec>;
export type ActivationName = ActivationSpec['name'];

/** Every activation name, in display order. */
export const ACTIVATION_NAMES = ActivationSpec.options.map((o) => o.shape.name.value) as ActivationName[];
