import { calibrationKeyText, type SplitCalibration } from '../../contract/index.js';
import type { BatchSplitMode } from '../accelerators.js';
import type { Model } from '../model.js';

/**
 * Training work per step below which a run computes its batches whole, in floating-point operations
 * (6 × batch × forward multiply-adds). A split step costs a fixed ~1–3 ms here (sending the weights,
 * receiving and adding the other part's gradients), which smaller steps cannot win back.
 */
export const MIN_SPLIT_FLOPS = 40e6;

/**
 * Forward multiply-adds per sample per parameter below which a run computes its batches whole. Dense
 * layers do one multiply-add per weight per sample (ratio ≈ 1): their step time is dominated by
 * per-parameter costs that both halves pay in full, and splitting measured 0.56–1.04× for MLPs here;
 * convolutions reuse each weight at every output position (the benchmark conv net: ≈ 4.6), where it
 * measured 1.24–1.81× (docs/benchmarks.md, "One run on two cores").
 */
export const MIN_MACS_PER_PARAM = 2;

/** Smallest part of a batch; a batch smaller than twice this (e.g. a short last batch) is computed whole. */
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

/** Whether a run computes its batches in two parts (which the second core may share), and why. */
export interface SplitDecision {
  split: boolean;
  reason: string;
  /** The stored calibration the rule used (recorded in the provenance), absent when none was. */
  calibration?: { key: string; minSplitFlops: number | null; measuredAt: string };
}

/**
 * The step layout of a run, decided once before it trains from the network, the batch size and the
 * backend only — never from timing, machine load or how many cores the engine pool grants — so that it
 * fixes the run's numbers: every batch of ≥ 2 × MIN_SPLIT_SAMPLES samples is computed in two parts
 * (the first ⌈n/2⌉ samples and the rest, gradients added in that order), the second part on the
 * gradient peer when the pool grants two cores, else on this thread by the same code; both give the
 * same bits (see split-step.ts). Two parts when: the backend is wasm (the native backend threads by
 * itself; cpu is never worth it), no batchNorm (its batch statistics would be those of half batches),
 * each part gets ≥ MIN_SPLIT_SAMPLES, a step's training work (6 × batch × forward multiply-adds) is
 * ≥ MIN_SPLIT_FLOPS and the network does ≥ MIN_MACS_PER_PARAM multiply-adds per parameter per sample.
 * Mode 'whole' forces one part, 'always' drops the two work thresholds (the worker's accelerators,
 * engine/accelerators.ts). It changes a run's numbers (float32 summation order), so the decision is
 * recorded in the run's provenance (`split`).
 * @param batchSize samples per step
 * @param backend tf.getBackend()
 * @param mode the worker's batch-splitting mode
 * With a stored per-machine calibration (main/services/split-calibration-store.ts, measured once,
 * never inside a run), its measured `minSplitFlops` replaces MIN_SPLIT_FLOPS (null: splitting never
 * paid on this machine, so whole) and is recorded with the decision, so the layout stays a pure
 * function of (network, batch, backend, mode, stored calibration).
 * @param recorded the layout of the run being reproduced (its provenance's `split`), which wins over
 *   the rule and the mode (batchNorm still forbids two parts)
 * @param calibration the machine's stored split calibration, if any
 */
export function decideSplit(
  model: Model,
  batchSize: number,
  backend: string,
  mode: BatchSplitMode = 'auto',
  recorded?: boolean,
  calibration?: SplitCalibration | null,
): SplitDecision {
  const no = (reason: string): SplitDecision => ({ split: false, reason });
  if (model.layers.some((l) => l.type === 'batchNorm')) return no('batchNorm needs whole-batch statistics');
  if (recorded !== undefined) return { split: recorded, reason: 'as recorded by the run reproduced' };
  if (mode === 'whole') return no("batch splitting 'whole'");
  if (backend !== 'wasm') return no(`backend ${backend}`);
  if (batchSize < 2 * MIN_SPLIT_SAMPLES) return no(`batch ${batchSize} < ${2 * MIN_SPLIT_SAMPLES}`);
  const macs = forwardMacsPerSample(model);
  const flops = 6 * batchSize * macs;
  const work = `${(flops / 1e6).toFixed(1)} MFLOP per step`;
  if (mode === 'always') return { split: true, reason: `${work}; batch splitting 'always'` };
  const used = calibration
    ? { key: calibrationKeyText(calibration.key), minSplitFlops: calibration.minSplitFlops, measuredAt: calibration.measuredAt }
    : undefined;
  const tag = used ? ' (calibrated)' : '';
  const decided = (split: boolean, reason: string): SplitDecision => (used ? { split, reason, calibration: used } : { split, reason });
  if (used && used.minSplitFlops === null) return decided(false, `${work}; splitting never paid on this machine (calibrated)`);
  const minFlops = used?.minSplitFlops ?? MIN_SPLIT_FLOPS;
  if (flops < minFlops) return decided(false, `${work} < ${(minFlops / 1e6).toFixed(1)}${tag}`);
  const perParam = macs / Math.max(1, model.paramCount);
  if (perParam < MIN_MACS_PER_PARAM) return decided(false, `${perParam.toFixed(2)} multiply-adds per parameter < ${MIN_MACS_PER_PARAM}`);
  return decided(true, `${work} ≥ ${(minFlops / 1e6).toFixed(1)}${tag}, ${perParam.toFixed(1)} multiply-adds per parameter`);
}
