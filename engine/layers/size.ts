import type { Size2D } from '../../contract/index.js';

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
