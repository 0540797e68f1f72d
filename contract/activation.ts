import { z } from 'zod';

/**
 * Activation applied after a layer's affine map.
 * `leakyRelu.alpha` is the negative slope (literature default 0.01, not tfjs's 0.3);
 * `elu.alpha` is the saturation value for x → −∞.
 */
export const ActivationSpec = z.discriminatedUnion('name', [
  z.object({ name: z.literal('linear') }),
  z.object({ name: z.literal('sigmoid') }),
  z.object({ name: z.literal('tanh') }),
  z.object({ name: z.literal('relu') }),
  z.object({ name: z.literal('leakyRelu'), alpha: z.number().min(0).max(1).default(0.01) }),
  z.object({ name: z.literal('elu'), alpha: z.number().positive().max(10).default(1) }),
  z.object({ name: z.literal('selu') }),
  z.object({ name: z.literal('gelu') }),
  z.object({ name: z.literal('swish') }),
  z.object({ name: z.literal('softplus') }),
  z.object({ name: z.literal('softsign') }),
  z.object({ name: z.literal('hardSigmoid') }),
  z.object({ name: z.literal('relu6') }),
  z.object({ name: z.literal('softmax') }),
]);
export type ActivationSpec = z.infer<typeof ActivationSpec>;
export type ActivationName = ActivationSpec['name'];

/** Every activation name, in display order. */
export const ACTIVATION_NAMES = ActivationSpec.options.map((o) => o.shape.name.value) as ActivationName[];
