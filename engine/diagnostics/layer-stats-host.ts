import { SATURATION_THRESHOLD, type ActivationSpec } from '../../contract/index.js';
import { fractionF32, momentsF32, sumSquaredDifferencesF32, sumSquaresF32 } from './float32-reductions.js';
import { fixedBinsHost, percentilesHost, rangeBinsHost, stridedHost } from './host-distributions.js';
import { GRAD_PCT_AT, HISTOGRAM_SAMPLE, mainWeight, RANGE_AT, STRIDE, WEIGHT_PCT_AT, type FlatLayerStats } from './layer-stats-layout.js';
import type { Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';
import type { WasmBackendLike } from '../kernels/wasm-kernel-call.js';

const SAT_HI = Math.fround(SATURATION_THRESHOLD);
const SAT_LO = Math.fround(1 - SATURATION_THRESHOLD);

/** Whether an element counts as saturated for `activation`, or null where saturation is undefined (device: saturatedFraction). */
function saturationTest(activation: ActivationSpec | null): ((y: number) => boolean) | null {
  switch (activation?.name) {
    case 'tanh':
      return (y) => Math.abs(y) > SAT_HI;
    case 'sigmoid':
      return (y) => y < SAT_LO || y > SAT_HI;
    case 'hardSigmoid':
      return (y) => y <= 0 || y >= 1;
    default:
      return null;
  }
}

/**
 * Fraction of units (last axis of [rows, units] row-major `y`) whose largest |y| is 0, as the wasm
 * backend's tf.max(tf.abs(y), 0) then tf.equal(·, 0) gives it: a unit with a NaN anywhere has a NaN
 * maximum (tf.max on wasm propagates it), so it is not dead.
 */
function deadFraction(y: Float32Array, units: number): number {
  const max = new Float32Array(units);
  for (let u = 0; u < units; u++) max[u] = Math.abs(y[u] as number);
  for (let o = units; o < y.length; o += units) {
    for (let u = 0; u < units; u++) {
      const v = Math.abs(y[o + u] as number);
      if (v > (max[u] as number) || v !== v) max[u] = v;
    }
  }
  let dead = 0;
  for (let u = 0; u < units; u++) if (max[u] === 0) dead++;
  return fractionF32(dead, units);
}

/** Activation statistics of one layer's output `y` (all elements) into `out` at `o` (layer-stats-layout.ts). */
function activationStats(y: Float32Array, units: number, activation: ActivationSpec | null, out: Float32Array, o: number): boolean {
  const { mean, variance } = momentsF32(y);
  let zeros = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 0) zeros++;
  const saturated = saturationTest(activation);
  let count = 0;
  if (saturated) for (let i = 0; i < y.length; i++) if (saturated(y[i] as number)) count++;
  out[o] = mean;
  out[o + 1] = Math.sqrt(variance);
  out[o + 2] = fractionF32(zeros, y.length);
  out[o + 3] = deadFraction(y, units);
  out[o + 4] = saturated ? fractionF32(count, y.length) : 0;
  return saturated !== null;
}

/**
 * A per-layer statistics record (see computeLayerStats) with one forward pass of `probe` on the device
 * and everything else on the host: the activations, main weights, their pre-update values and the
 * gradients are read back and reduced in float32 in the wasm backend's order, so on wasm the flat
 * record (layer-stats-layout.ts) has the bits computeLayerStatsOnDevice gives there (tested), without
 * its few dozen tf ops per layer, which run too rarely (once per record) for V8 to warm them up.
 * @param probe [P, ...inputShape]
 * @param grads gradients keyed by variable name, or null
 * @param before main weights' values before this step's update keyed by variable name, or null
 */
export async function computeLayerStatsOnHost(
  tf: TF,
  model: Model,
  probe: Tensor,
  grads: Record<string, Tensor> | null,
  before: ReadonlyMap<string, Tensor> | null,
): Promise<FlatLayerStats> {
  const activations = tf.tidy(() => model.forward(probe, { training: false, collectActivations: true }).activations!);
  try {
    return reduceOnHost(tf, model, activations, grads, before);
  } finally {
    for (const a of activations) a.dispose();
  }
}

/**
 * A tensor's float32 values where they lie: a view of the wasm heap (no copy; valid until the heap
 * next grows, so used synchronously), or a copy (dataSync) on other backends.
 */
function hostValues(tf: TF, t: Tensor): Float32Array {
  const backend = tf.backend() as unknown as Partial<WasmBackendLike>;
  if (tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' && t.dtype === 'float32') {
    return backend.typedArrayFromHeap(t) as Float32Array;
  }
  return t.dataSync() as Float32Array;
}

/** The record's reductions of the layers' outputs `activations`, the weights and the gradients, on the host (synchronous: heap views stay valid). */
function reduceOnHost(
  tf: TF,
  model: Model,
  activations: Tensor[],
  grads: Record<string, Tensor> | null,
  before: ReadonlyMap<string, Tensor> | null,
): FlatLayerStats {
  const ys = activations.map((a) => hostValues(tf, a));
  const read = (t: Tensor | undefined): Float32Array | null => (t ? hostValues(tf, t) : null);
  const sampleSizes: number[] = [];
  const samples = ys.map((y) => {
    const s = stridedHost(y, HISTOGRAM_SAMPLE);
    sampleSizes.push(s.length);
    return s;
  });
  const values = new Float32Array(model.layers.length * STRIDE + 2 * sampleSizes.reduce((a, b) => a + b, 0));
  const saturationDefined: boolean[] = [];
  let binsAt = model.layers.length * STRIDE;
  for (const [i, layer] of model.layers.entries()) {
    const o = i * STRIDE;
    const y = ys[i] as Float32Array;
    saturationDefined.push(activationStats(y, layer.outputShape[layer.outputShape.length - 1] as number, layer.activation, values, o));
    const w = mainWeight(layer);
    const wv = read(w ?? undefined);
    if (wv) values[o + 5] = Math.sqrt(momentsF32(wv).variance);
    let gradSq = 0;
    let wGrad: Float32Array | null = null;
    if (grads) {
      for (const p of layer.params) {
        const g = read(grads[p.variable.name]);
        if (!g) continue;
        gradSq = Math.fround(gradSq + sumSquaresF32(g));
        if (p.variable === w) wGrad = g;
      }
    }
    values[o + 6] = Math.sqrt(gradSq);
    const old = read(w ? before?.get(w.name) : undefined);
    if (wv && old) values[o + 7] = Math.fround(Math.fround(Math.sqrt(sumSquaredDifferencesF32(wv, old))) / Math.fround(Math.sqrt(sumSquaresF32(old))));
    const sample = samples[i] as Float32Array;
    const [lo, hi] = rangeBinsHost(sample, values, binsAt + sample.length);
    fixedBinsHost(sample, values, binsAt);
    binsAt += 2 * sample.length;
    values[o + RANGE_AT] = lo;
    values[o + RANGE_AT + 1] = hi;
    if (wv) percentilesHost(wv, values, o + WEIGHT_PCT_AT);
    if (wGrad) percentilesHost(wGrad, values, o + GRAD_PCT_AT);
  }
  return { values, saturationDefined, sampleSizes };
}
