import { layerName, type MupReadout, type NetworkSpec } from '../../contract/index.js';
import type { NamedWeight } from './weights.js';

/**
 * The weights an exported model holds for a μP run: the readout kernel W (`dense_k/kernel`) replaced
 * by W·factor (float32), so that a plain dense layer x·(W·factor) + b gives the engine's
 * (x·W)·factor + b to float32 rounding. Other weights are returned as they are; a standard run
 * (`readout` null) gets `weights` itself.
 * @throws Error when the readout kernel is missing from `weights`
 */
export function foldReadout(network: NetworkSpec, readout: MupReadout | null, weights: readonly NamedWeight[]): readonly NamedWeight[] {
  if (!readout || readout.factor === 1) return weights;
  const spec = network.layers[readout.layer];
  const name = `${layerName(spec?.type ?? 'dense', readout.layer)}/kernel`;
  if (!weights.some((w) => w.name === name)) throw new Error(`μP export: the readout kernel '${name}' is not among the run's weights`);
  return weights.map((w) => (w.name === name ? { ...w, values: w.values.map((v) => v * readout.factor) } : w));
}
