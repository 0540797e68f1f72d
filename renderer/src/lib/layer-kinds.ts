import { DEFAULT_DENSE_UNITS, LayerSpec } from '../../../contract/index.js';
import { RESIDUAL_STARTING_FIELDS } from './residual-block.js';

/** A layer type the contract knows (`dense`, `dropout`, and whatever the LayerSpec union adds later). */
export type LayerType = LayerSpec['type'];

/** Every layer type of the contract's LayerSpec union, in the contract's order (drives the palette). */
export const LAYER_TYPES = LayerSpec.options.map((o) => o.shape.type.value) as LayerType[];

/**
 * Starting fields per type. Zod drops keys a type does not declare, so a type whose field names differ
 * from these guesses still parses as long as its required fields are among them or have defaults.
 */
const STARTING_FIELDS: Record<string, Record<string, unknown>> = {
  dense: {
    units: DEFAULT_DENSE_UNITS,
    activation: { name: 'relu' },
    kernelInitializer: { name: 'heNormal' },
    biasInitializer: { name: 'zeros' },
    useBias: true,
  },
  dropout: { rate: 0.2 },
  reshape: { targetShape: [28, 28, 1] },
  conv2d: {
    filters: 16,
    kernelSize: 3,
    strides: 1,
    padding: 'same',
    activation: { name: 'relu' },
    kernelInitializer: { name: 'heNormal' },
    biasInitializer: { name: 'zeros' },
    useBias: true,
  },
  maxPool2d: { poolSize: 2 },
  avgPool2d: { poolSize: 2 },
  flatten: {},
  batchNorm: { momentum: 0.99, epsilon: 0.001 },
  activation: { activation: { name: 'relu' } },
  residual: RESIDUAL_STARTING_FIELDS,
};

/**
 * A fresh layer of `type` with sensible starting values, validated by the contract; null when the
 * contract needs fields this renderer does not know how to fill.
 */
export function defaultLayer(type: LayerType): LayerSpec | null {
  const attempt = LayerSpec.safeParse({ ...(STARTING_FIELDS[type] ?? {}), type });
  if (attempt.success) return attempt.data;
  const bare = LayerSpec.safeParse({ type });
  return bare.success ? bare.data : null;
}

/** Reads a numeric field of any layer type (NaN when absent); tuples `[a, b]` give their first entry. */
export function numField(layer: LayerSpec, ...names: string[]): number {
  const record = layer as unknown as Record<string, unknown>;
  for (const name of names) {
    const v = record[name];
    if (typeof v === 'number') return v;
    if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  }
  return Number.NaN;
}

/** Reads a 2-D size field (`3` or `[3, 5]`) as [height, width]; null when absent or not a size. */
export function sizeField(layer: LayerSpec, name: string): [number, number] | null {
  const v = (layer as unknown as Record<string, unknown>)[name];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  return null;
}

/** Reads a string field of any layer type ('' when absent). */
export function strField(layer: LayerSpec, ...names: string[]): string {
  const record = layer as unknown as Record<string, unknown>;
  for (const name of names) {
    const v = record[name];
    if (typeof v === 'string') return v;
  }
  return '';
}

/** True for layers that carry a weight initializer (`dense`, `conv2d`, …). */
export function hasKernel(layer: LayerSpec): boolean {
  return 'kernelInitializer' in layer;
}

/** True for layers with their own activation (`dense`, `conv2d`, `activation`, …). */
export function hasActivation(layer: LayerSpec): boolean {
  return 'activation' in layer;
}

/** Names the layer family for icons and colours: weights, regularizer, reshaping, normalization. */
export function layerFamily(type: string): 'weights' | 'regularizer' | 'reshape' | 'norm' | 'activation' {
  if (type === 'dense' || type.startsWith('conv') || type === 'residual') return 'weights';
  if (type === 'dropout') return 'regularizer';
  if (type.toLowerCase().includes('norm')) return 'norm';
  if (type === 'activation') return 'activation';
  return 'reshape';
}

/** Drag payload MIME types: a palette item carries its layer type, a stacked layer its index. */
export const PALETTE_MIME = 'application/x-initscope-layer-type';
export const LAYER_INDEX_MIME = 'application/x-initscope-layer-index';

/** Layer indices that carry weights (dense, conv…), except the last one (the output). */
export function hiddenWeightIndices(layers: readonly LayerSpec[]): number[] {
  const weighted = layers.flatMap((l, i) => (hasKernel(l) ? [i] : []));
  return weighted.slice(0, -1);
}
