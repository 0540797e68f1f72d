import type { Tensor, TF } from '../tf.js';
import { functionOnHeap } from './heap-module.js';
import { OPTIMIZER_UPDATE_KERNEL } from './optimizer-update.js';
import type { WasmBackendLike } from './wasm-kernel-call.js';

/** 1 when every one of n float32 values at byte address p of the heap is finite, else 0. */
export type AllFiniteOnHeap = (p: number, n: number) => number;

/**
 * allFinite(p, n) of engine/kernels/wat/all-finite.wat on the heap of `backend` (1 when all n float32
 * values at byte address p are finite, else 0), or null where it cannot be instantiated.
 */
export const allFiniteForBackend: (backend: unknown) => AllFiniteOnHeap | null = functionOnHeap<AllFiniteOnHeap>('all-finite', 'allFinite');

/**
 * Per tensor, whether every value is finite (no NaN, no ±Infinity), read where the values lie on the
 * tfjs wasm heap by one SIMD pass each (engine/kernels/wat/all-finite.wat) — the exact answer of
 * `tf.all(tf.isFinite(t))`, without its ~4 kernel calls and bool tensor per tensor. A missing entry
 * (null) counts as finite.
 * Part of the patched kernel set: with the stock kernels registered (INITSCOPE_WASM_PATCHES=0, the
 * bench's "wasm stock") it answers null, so the stock path stays stock.
 * @returns null when the current backend is not wasm, InitScope's kernels are not registered, a tensor
 *   is not float32, or the module cannot be instantiated on the heap: the caller then checks with tf ops
 */
export function allFiniteOnHeap(tf: TF, tensors: ReadonlyArray<Tensor | null | undefined>): boolean[] | null {
  if (tf.getBackend() !== 'wasm' || tf.getKernel(OPTIMIZER_UPDATE_KERNEL, 'wasm') === undefined) return null;
  const backend = tf.backend() as unknown as WasmBackendLike;
  const allFinite = allFiniteForBackend(backend);
  if (!allFinite || typeof backend.typedArrayFromHeap !== 'function') return null;
  if (tensors.some((t) => t && t.dtype !== 'float32')) return null;
  return tensors.map((t) => {
    if (!t) return true;
    const view = backend.typedArrayFromHeap(t);
    return allFinite(view.byteOffset, view.length) === 1;
  });
}
