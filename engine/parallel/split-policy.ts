import type { Model } from '../model.js';

/** Environment variable: '0' never splits a batch across cores; '1' splits every eligible run, however small. */
export const BATCH_SPLIT_ENV_VAR = 'INITSCOPE_BATCH_SPLIT';

/**
 * Training work per step below which splitting a batch does not pay, in floating-point operations.
 * Each split step costs a fixed ~1–3 ms here (sending the weights, receiving and adding the peer's
 * gradients, two threads' JavaScript overhead), so the halved matrix products must save more than that;
 * see docs/benchmarks.md ("One run on two cores") for the measurements behind this value.
 */
export const MIN_SPLIT_FLOPS = 60e6;

/** Smallest share of a batch each core gets. */
export const MIN_SPLIT_SAMPLES = 16;

/**
 * Multiply-adds of one sample's forward pass through the model's dense and conv2d layers (the matrix
 * products; elementwise work is ignored): a dense layer's kernel size, a conv2d kernel's size times its
 * output positions.
 */
export function forwardMacsPerSample(model: Model): number {
  let macs = 0;
  for (const layer of model.layers) {
    const kernel = layer.params.find((p) => p.role === 'kernel')?.variable;
    if (!kernel) continue;
    if (layer.type === 'dense') macs += kernel.size;
    else if (layer.type === 'conv2d') macs += kernel.size * (layer.outputShape[0] as number) * (layer.outputShape[1] as number);
  }
  return macs;
}

/** Whether a run should split its batches across two cores, and why (for logs and tests). */
export interface SplitDecision {
  split: boolean;
  reason: string;
}

/**
 * Decides whether splitting a run's batches across two cores pays: only on the wasm backend (the
 * native tensorflow backend threads by itself; cpu is never worth it), never with batchNorm (its
 * batch statistics would be those of half batches), each core gets ≥ MIN_SPLIT_SAMPLES samples, and
 * a step's training work — 6 × batch × forward multiply-adds (forward 2, backward 4 flops per
 * multiply-add) — is at least MIN_SPLIT_FLOPS. INITSCOPE_BATCH_SPLIT=0 turns splitting off,
 * =1 drops the work threshold (not the other conditions).
 * @param batchSize samples per step
 * @param backend tf.getBackend()
 */
export function decideSplit(model: Model, batchSize: number, backend: string, env: NodeJS.ProcessEnv = process.env): SplitDecision {
  const setting = env[BATCH_SPLIT_ENV_VAR]?.trim();
  if (setting === '0') return { split: false, reason: `${BATCH_SPLIT_ENV_VAR}=0` };
  if (backend !== 'wasm') return { split: false, reason: `backend ${backend}` };
  if (model.layers.some((l) => l.type === 'batchNorm')) return { split: false, reason: 'batchNorm needs whole-batch statistics' };
  if (batchSize < 2 * MIN_SPLIT_SAMPLES) return { split: false, reason: `batch ${batchSize} < ${2 * MIN_SPLIT_SAMPLES}` };
  const flops = 6 * batchSize * forwardMacsPerSample(model);
  if (setting !== '1' && flops < MIN_SPLIT_FLOPS) {
    return { split: false, reason: `${(flops / 1e6).toFixed(1)} MFLOP per step < ${MIN_SPLIT_FLOPS / 1e6}` };
  }
  return { split: true, reason: `${(flops / 1e6).toFixed(1)} MFLOP per step` };
}
