import { z } from 'zod';
import { strictObject } from './strict.js';

/**
 * How a weight or bias tensor is drawn before training. All random initializers are seeded by the run
 * seed (plus the layer index), so the same seed gives the same weights.
 * Fans follow the papers: dense fan_in = inputs, fan_out = units; conv fans multiply by the receptive
 * field (kernel height × width). Glorot & Bengio 2010: Var = 2/(fan_in+fan_out); He et al. 2015:
 * Var = 2/fan_in; LeCun 1998: Var = 1/fan_in.
 *
 * Conventions: `glorotNormal`, `heNormal` and `lecunNormal` draw an untruncated normal N(0, Var), as
 * the papers and PyTorch's `xavier_normal_` / `kaiming_normal_` do. Keras's GlorotNormal, HeNormal and
 * LecunNormal truncate instead: `glorotTruncatedNormal`, `heTruncatedNormal`, `lecunTruncatedNormal`
 * draw that form, a normal of std √Var / 0.87962566103423978 truncated to ±2 of its std, so every
 * value lies within ±2.27·√Var and the variance is still exactly Var.
 */
export const InitializerSpec = z.discriminatedUnion('name', [
  strictObject({ name: z.literal('glorotNormal') }),
  strictObject({ name: z.literal('glorotTruncatedNormal') }),
  strictObject({ name: z.literal('glorotUniform') }),
  strictObject({ name: z.literal('heNormal') }),
  strictObject({ name: z.literal('heTruncatedNormal') }),
  strictObject({ name: z.literal('heUniform') }),
  strictObject({ name: z.literal('lecunNormal') }),
  strictObject({ name: z.literal('lecunTruncatedNormal') }),
  strictObject({ name: z.literal('lecunUniform') }),
  strictObject({ name: z.literal('normal'), mean: z.number().default(0), std: z.number().nonnegative().default(0.02) }),
  strictObject({ name: z.literal('uniform'), min: z.number().default(-0.05), max: z.number().default(0.05) }),
  strictObject({ name: z.literal('truncatedNormal'), mean: z.number().default(0), std: z.number().nonnegative().default(0.05) }),
  strictObject({ name: z.literal('orthogonal'), gain: z.number().positive().default(1) }),
  strictObject({ name: z.literal('zeros') }),
  strictObject({ name: z.literal('ones') }),
  strictObject({ name: z.literal('constant'), value: z.number() }),
  strictObject({
    name: z.literal('varianceScaling'),
    scale: z.number().positive().default(1),
    mode: z.enum(['fanIn', 'fanOut', 'fanAvg']).default('fanIn'),
    distribution: z.enum(['normal', 'uniform', 'truncatedNormal']).default('normal'),
  }),
]);
export type InitializerSpec = z.infer<typeof InitializerSpec>;
export type InitializerName = InitializerSpec['name'];

/** Every initializer name, in display order. */
export const INITIALIZER_NAMES = InitializerSpec.options.map((o) => o.shape.name.value) as InitializerName[];
