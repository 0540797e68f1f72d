import { DEFAULT_DENSE_UNITS, type LayerSpec } from '../../../contract/index.js';

/** A residual block as the contract defines it (`type: 'residual'`). */
export type ResidualLayer = Extract<LayerSpec, { type: 'residual' }>;

/** Starting fields of a new residual block: a dense branch with an identity skip, He normal, ReLU. */
export const RESIDUAL_STARTING_FIELDS: Record<string, unknown> = {
  branch: 'dense',
  units: DEFAULT_DENSE_UNITS,
  kernelSize: 3,
  activation: { name: 'relu' },
  kernelInitializer: { name: 'heNormal' },
  useBias: true,
  normalization: 'none',
  skip: 'identity',
  init: 'standard',
  postActivation: false,
};

/**
 * Fits a new residual block to the shape it receives (`inputShape`, per sample): a conv2d branch for
 * an image [h, w, c], a dense branch otherwise, and as many units as the input's last axis so that the
 * identity skip adds matching shapes. Leaves the block as it is when the shape is unknown or empty.
 */
export function fitResidualToInput(layer: ResidualLayer, inputShape: readonly number[] | undefined): void {
  if (!inputShape || inputShape.length === 0) return;
  layer.branch = inputShape.length === 3 ? 'conv2d' : 'dense';
  const last = inputShape[inputShape.length - 1]!;
  if (Number.isInteger(last) && last >= 1 && last <= 65536) layer.units = last;
}

/** One box of the block's drawing, left to right along the residual branch. */
export type ResidualPart = 'layer1' | 'norm1' | 'act' | 'layer2' | 'norm2' | 'alpha';

/**
 * The branch of `layer` as drawn, in order: layer 1, its normalization, the activation, layer 2, its
 * normalization, then SkipInit's learnable gain α (starts at 0). Fixup has no box of its own: its
 * layer 2 starts at 0 (see {@link zeroPart}). The skip path is drawn alongside, not listed here.
 */
export function residualParts(layer: Pick<ResidualLayer, 'normalization' | 'init'>): ResidualPart[] {
  const norm = layer.normalization === 'batchNorm';
  const parts: ResidualPart[] = ['layer1'];
  if (norm) parts.push('norm1');
  parts.push('act', 'layer2');
  if (norm) parts.push('norm2');
  if (layer.init === 'skipInit') parts.push('alpha');
  return parts;
}

/** The part that starts at exactly zero, making the block start as its skip path: α (SkipInit), layer 2 (Fixup), else none. */
export function zeroPart(init: ResidualLayer['init']): ResidualPart | null {
  return init === 'skipInit' ? 'alpha' : init === 'fixup' ? 'layer2' : null;
}

/** How many residual blocks `layers` holds (0 for a plain network). */
export function residualBlockCount(layers: readonly LayerSpec[]): number {
  return layers.filter((l) => l.type === 'residual').length;
}
