import type { MupReadout, NetworkSpec } from '../../contract/index.js';
import { buildModel } from '../model.js';
import type { TF } from '../tf.js';
import { assignModelWeights, type NamedWeight } from './weights.js';

/** Sample inputs and the engine's outputs for them, written next to an exported model. */
export interface ReferenceOutputs {
  /** Per-sample input shape (no batch dimension); outputs have `outputShape`. */
  inputShape: number[];
  outputShape: number[];
  /** One row per sample, row-major flattened. */
  inputs: number[][];
  outputs: number[][];
}

/** Deterministic inputs uniform in [−1, 1) (an LCG; independent of tfjs's random state). */
function sampleInputs(count: number, size: number, seed: number): Float32Array {
  const out = new Float32Array(count * size);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/**
 * Runs the engine's own inference pass (dropout off, batchNorm moving statistics) of the trained
 * network on `count` seeded inputs, so whoever loads an export can check their runtime against it.
 * Every tensor is freed.
 * @param readout a μP run's readout multiplier (contract mupReadout), applied as in training; null for SP
 */
export function computeReferenceOutputs(
  tf: TF,
  network: NetworkSpec,
  weights: readonly NamedWeight[],
  count = 4,
  seed = 1,
  readout: MupReadout | null = null,
): ReferenceOutputs {
  const model = buildModel(tf, network, { seed: 0, ...(readout ? { readout } : {}) });
  try {
    assignModelWeights(tf, model, weights);
    const size = network.inputShape.reduce((a, b) => a * b, 1);
    const x = sampleInputs(count, size, seed);
    const y = tf.tidy(() => model.forward(tf.tensor(x, [count, ...network.inputShape], 'float32'), { training: false }).output.dataSync() as Float32Array);
    const outSize = model.outputShape.reduce((a, b) => a * b, 1);
    const rows = (a: Float32Array, n: number) => Array.from({ length: count }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
    return { inputShape: [...network.inputShape], outputShape: [...model.outputShape], inputs: rows(x, size), outputs: rows(y, outSize) };
  } finally {
    model.dispose();
  }
}
