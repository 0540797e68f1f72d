import type { Model } from '../model.js';

/**
 * Environment variable: '0' never splits a batch across cores; '1' splits every step of every eligible
 * run, however small, without measuring whether it pays (tests, benchmarks); unset: see decideSplit.
 */
export const BATCH_SPLIT_ENV_VAR = 'INITSCOPE_BATCH_SPLIT';

/**
 * Training work per step below which a run never tries splitting its batches, in floating-point
 * operations (6 × batch × forward multiply-adds). Each split step costs a fixed ~1–3 ms here (sending the
 * weights, receiving and adding the peer's gradients, both threads' per-step overhead), which smaller
 * steps cannot win back. Above it, whether splitting pays is measured during the run (SplitTuner): on
 * this machine it pays for the conv net but not for MLPs, whose step time is dominated by per-parameter
 * costs; see docs/benchmarks.md ("One run on two cores").
 */
export const MIN_SPLIT_FLOPS = 40e6;

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

/** Whether a run may split its batches across two cores, and why (for logs and tests). */
export interface SplitDecision {
  split: boolean;
  /** True when the run must measure whether splitting pays (SplitTuner); false when it is forced (=1). */
  tune: boolean;
  reason: string;
}

/**
 * Decides whether a run may split its batches across two cores: only on the wasm backend (the
 * native tensorflow backend threads by itself; cpu is never worth it), never with batchNorm (its
 * batch statistics would be those of half batches), each core gets ≥ MIN_SPLIT_SAMPLES samples, and
 * a step's training work — 6 × batch × forward multiply-adds (forward 2, backward 4 flops per
 * multiply-add) — is at least MIN_SPLIT_FLOPS; the run then measures whether it pays (`tune`).
 * INITSCOPE_BATCH_SPLIT=0 turns splitting off, =1 drops the work threshold and the measurement (not
 * the other conditions).
 * @param batchSize samples per step
 * @param backend tf.getBackend()
 */
export function decideSplit(model: Model, batchSize: number, backend: string, env: NodeJS.ProcessEnv = process.env): SplitDecision {
  const setting = env[BATCH_SPLIT_ENV_VAR]?.trim();
  const no = (reason: string): SplitDecision => ({ split: false, tune: false, reason });
  if (setting === '0') return no(`${BATCH_SPLIT_ENV_VAR}=0`);
  if (backend !== 'wasm') return no(`backend ${backend}`);
  if (model.layers.some((l) => l.type === 'batchNorm')) return no('batchNorm needs whole-batch statistics');
  if (batchSize < 2 * MIN_SPLIT_SAMPLES) return no(`batch ${batchSize} < ${2 * MIN_SPLIT_SAMPLES}`);
  const flops = 6 * batchSize * forwardMacsPerSample(model);
  const work = `${(flops / 1e6).toFixed(1)} MFLOP per step`;
  if (setting === '1') return { split: true, tune: false, reason: `${work}; ${BATCH_SPLIT_ENV_VAR}=1` };
  if (flops < MIN_SPLIT_FLOPS) return no(`${work} < ${MIN_SPLIT_FLOPS / 1e6}`);
  return { split: true, tune: true, reason: work };
}
