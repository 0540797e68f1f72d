import { Matrix, SVD } from 'ml-matrix';
import { JACOBIAN_LOG10_EDGES, MAX_JACOBIAN_DIM, type JacobianLayer, type JacobianStage } from '../../contract/index.js';
import type { Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';

/** Layers whose output is the previous one's, reshaped or (in inference) unchanged: not analysed. */
const PASS_THROUGH = new Set(['flatten', 'reshape', 'dropout']);

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * J = ∂(output of layer `index`, flattened)/∂x at one input x, as a row-major [rows, cols] array: one
 * forward and backward pass (inference mode: batchNorm on moving statistics, no dropout) of `rows`
 * copies of x, where copy r back-propagates only output unit r (Σ_r a[r, r]), so row r of the input
 * gradient is row r of J. Frees every tensor it creates.
 * @param x one input, row-major, ∏ model.inputShape values
 */
export async function layerJacobian(tf: TF, model: Model, x: Float32Array, index: number): Promise<{ rows: number; cols: number; values: Float32Array }> {
  const rows = size(model.layers[index]!.outputShape);
  const cols = size(model.inputShape);
  const jacobian = tf.tidy(() => {
    const copies = tf.tile(tf.tensor(x, [1, ...model.inputShape], 'float32'), [rows, ...model.inputShape.map(() => 1)]);
    const pick = tf.eye(rows);
    const grad = tf.grad((input: Tensor) => {
      const out = model.forward(input, { training: false, collectActivations: true }).activations![index]!;
      return tf.sum(tf.mul(tf.reshape(out, [rows, rows]), pick));
    });
    return tf.reshape(grad(copies), [rows, cols]);
  });
  try {
    return { rows, cols, values: (await jacobian.data()) as Float32Array };
  } finally {
    jacobian.dispose();
  }
}

/** Singular values of a row-major [rows, cols] matrix (ml-matrix SVD in float64, no vectors). */
export function singularValues(rows: number, cols: number, values: ArrayLike<number>): number[] {
  const m = new Matrix(rows, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m.set(r, c, values[r * cols + c] as number);
  const svd = new SVD(m, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true });
  return svd.diagonal;
}

/** Summary of pooled singular values: moments of s², extremes and the log10 histogram (fractions). */
export function summarizeSpectrum(s: readonly number[]): Pick<JacobianLayer, 'count' | 'meanSq' | 'varSq' | 'min' | 'max' | 'histogram'> {
  const sq = s.map((v) => v * v);
  const meanSq = sq.reduce((a, b) => a + b, 0) / sq.length;
  const varSq = sq.reduce((a, b) => a + (b - meanSq) ** 2, 0) / sq.length;
  const edges = JACOBIAN_LOG10_EDGES;
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of s) {
    const l = v > 0 ? Math.log10(v) : -Infinity;
    let bin = 0;
    while (bin < edges.length && l >= (edges[bin] as number)) bin++;
    counts[bin]!++;
  }
  return { count: s.length, meanSq, varSq, min: Math.min(...s), max: Math.max(...s), histogram: counts.map((c) => c / s.length) };
}

/**
 * The input–output Jacobian spectrum of a built model (Pennington, Schoenholz & Ganguli 2017): for
 * every layer (but flatten/reshape/dropout) whose flattened output has at most `maxDim` units, the
 * singular values of ∂(layer output)/∂(input) at each probe input, pooled. Dynamical isometry means
 * every singular value near 1 (mean s² = 1 and variance 0). Frees every tensor it creates.
 * @param probes row-major [p, ...model.inputShape] inputs
 * @param maxDim largest layer output analysed (J is rows × input size; SVD costs O(rows·cols·min))
 */
export async function jacobianStage(
  tf: TF,
  model: Model,
  probes: Float32Array,
  stage: JacobianStage['stage'],
  maxDim = MAX_JACOBIAN_DIM,
): Promise<JacobianStage> {
  const cols = size(model.inputShape);
  const p = Math.floor(probes.length / cols);
  if (p < 1) throw new Error('Jacobian spectrum: no probe input');
  const layers: JacobianLayer[] = [];
  const skipped: JacobianStage['skipped'] = [];
  let depth = 0;
  for (let i = 0; i < model.layers.length; i++) {
    const layer = model.layers[i]!;
    if (layer.type === 'dense' || layer.type === 'conv2d') depth++;
    if (PASS_THROUGH.has(layer.type)) continue;
    const rows = size(layer.outputShape);
    if (rows > maxDim || cols > maxDim) {
      skipped.push({ layer: layer.name, rows });
      continue;
    }
    const pooled: number[] = [];
    for (let k = 0; k < p; k++) {
      const j = await layerJacobian(tf, model, probes.subarray(k * cols, (k + 1) * cols), i);
      pooled.push(...singularValues(j.rows, j.cols, j.values));
    }
    layers.push({ layer: layer.name, index: i, type: layer.type, depth, rows, cols, ...summarizeSpectrum(pooled) });
  }
  return { stage, layers, skipped };
}
