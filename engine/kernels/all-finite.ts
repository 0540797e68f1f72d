import type { Tensor, TF } from '../tf.js';

/** The wasm backend as this helper sees it: a view of a tensor's buffer on the heap. */
interface HeapBackend {
  typedArrayFromHeap(info: { dataId: object; shape: number[]; dtype: string }): Float32Array;
}

/**
 * True when every element of a float array is finite (no NaN, no ±Infinity): x·0 is ±0 for a finite
 * x and NaN otherwise, and NaN survives the sums. Four independent sums, no branch per element
 * (~2.5× faster than an early-exit scan in V8).
 */
function everyFinite(a: Float32Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (a[i] as number) * 0;
    s1 += (a[i + 1] as number) * 0;
    s2 += (a[i + 2] as number) * 0;
    s3 += (a[i + 3] as number) * 0;
  }
  for (; i < n; i++) s0 += (a[i] as number) * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/**
 * Whether each tensor holds only finite values (e.g. a step's gradients before the update).
 * On wasm: one synchronous JavaScript pass per tensor over its buffer on the heap (no kernel, no
 * copy, no tensor created). Elsewhere: tf.isFinite/tf.all per tensor and one synchronous read.
 * Integer and bool tensors are finite by construction.
 * @param tensors any shapes and dtypes (not disposed)
 * @returns one boolean per tensor, in order
 * @throws Error if a tensor is already disposed
 */
export function allFinite(tf: TF, tensors: readonly Tensor[]): boolean[] {
  tensors.forEach((t, i) => {
    if (t.isDisposed) throw new Error(`allFinite: tensor ${i} (shape [${t.shape.join(', ')}]) is disposed`);
  });
  if (tensors.length === 0) return [];
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as HeapBackend;
    return tensors.map((t) => t.dtype !== 'float32' || everyFinite(backend.typedArrayFromHeap(t)));
  }
  const flags = tf.tidy(() => tf.stack(tensors.map((t) => (t.dtype === 'float32' ? tf.all(tf.isFinite(t)) : tf.scalar(true, 'bool')))));
  try {
    return Array.from(flags.dataSync(), (v) => v !== 0);
  } finally {
    flags.dispose();
  }
}
