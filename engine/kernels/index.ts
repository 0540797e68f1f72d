import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { TF } from '../tf.js';
import { freshOperandGemm, transposedMatMulFastPath } from './batch-matmul.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { maxPoolGradHeap } from './max-pool-grad.js';
import { OPTIMIZER_UPDATE_KERNEL, optimizerUpdateHeap } from './optimizer-update.js';
import { sumLeadingAxes } from './sum-leading-axes.js';
import { stockKernel } from './wasm-kernel-call.js';
import { envFlagOn } from './env-flag.js';

/** Environment variable that turns the wasm kernel patches off when set to '0' (to measure stock wasm). */
export const WASM_PATCHES_ENV_VAR = 'INITSCOPE_WASM_PATCHES';

/** Names of the wasm kernels this module registers, replacing (or adding) the stock one. */
export const PATCHED_WASM_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', 'MaxPoolGrad', 'Sum', OPTIMIZER_UPDATE_KERNEL] as const;

/** False when INITSCOPE_WASM_PATCHES is '0' or 'false'; true otherwise (the default). */
export function wasmPatchesWanted(): boolean {
  return envFlagOn(WASM_PATCHES_ENV_VAR);
}

/** Stock wasm kernel configs (undefined where wasm has none), saved before the first patch; per process. */
let originals: Map<string, KernelConfig | undefined> | null = null;

/** The kernels that run when patched, built from the stock ones. */
function patchedKernels(tf: TF, stock: Map<string, KernelConfig>): Record<(typeof PATCHED_WASM_KERNELS)[number], KernelFunc> {
  const kernelOf = (name: string): KernelFunc => stockKernel(stock, name);
  return {
    BatchMatMul: freshOperandGemm(transposedMatMulFastPath(kernelOf('BatchMatMul'), kernelOf), kernelOf),
    _FusedMatMul: transposedMatMulFastPath(kernelOf('_FusedMatMul'), kernelOf),
    Conv2DBackpropFilter: conv2dBackpropFilter(tf, kernelOf),
    MaxPoolGrad: maxPoolGradHeap(tf, kernelOf('MaxPoolGrad'), kernelOf),
    Sum: sumLeadingAxes(kernelOf('Sum'), kernelOf),
    [OPTIMIZER_UPDATE_KERNEL]: optimizerUpdateHeap(kernelOf),
  };
}

/** Every stock wasm kernel by name (the patched ones as they were before patching). */
function stockKernels(tf: TF): Map<string, KernelConfig> {
  const all = new Map<string, KernelConfig>();
  for (const config of tf.getKernelsForBackend('wasm')) all.set(config.kernelName, config);
  for (const [name, config] of originals ?? []) {
    if (config) all.set(name, config);
    else all.delete(name);
  }
  return all;
}

/** True while the patched kernels are registered (this process). */
let active = false;

/** True while InitScope's wasm kernels are registered in this process. */
export function wasmPatchesActive(): boolean {
  return active;
}

/**
 * Registers InitScope's wasm kernels (see PATCHED_WASM_KERNELS): BatchMatMul and _FusedMatMul with
 * a fast path for transposed operands (BatchMatMul also multiplies a B it has not seen before with a
 * SIMD GEMM instead of creating an XNNPACK operator for it; INITSCOPE_WASM_GEMM=0 turns that off), the missing Conv2DBackpropFilter, a faster MaxPoolGrad,
 * a faster Sum over leading axes (bias gradients) — these three as WebAssembly SIMD code on the heap
 * (heap-simd-switch.ts; INITSCOPE_WASM_HEAP_SIMD=0 or setHeapSimd(false) selects their JavaScript /
 * stock-matmul paths) — and the fused optimizer update
 * (InitScopeOptimizerUpdate, which stock wasm lacks; engine/optimizers.ts uses it when registered).
 * Call after the wasm
 * backend is ready; idempotent. Kernel registrations are global to the tfjs instance, so this
 * affects every model of the process. Gradients equal the cpu backend's to float32 rounding.
 * @param tf the TensorFlow.js namespace whose registry holds the wasm backend
 * @throws Error if the wasm backend's kernels are not registered
 */
export function registerWasmKernels(tf: TF): void {
  if (tf.getKernel('BatchMatMul', 'wasm') === undefined) throw new Error('registerWasmKernels: the wasm backend is not loaded');
  if (originals === null) {
    originals = new Map(PATCHED_WASM_KERNELS.map((name) => [name, tf.getKernel(name, 'wasm')]));
  }
  const stock = stockKernels(tf);
  for (const [name, kernelFunc] of Object.entries(patchedKernels(tf, stock))) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
  }
  active = true;
}

/**
 * Restores the stock wasm kernels (removing Conv2DBackpropFilter and InitScopeOptimizerUpdate,
 * which stock wasm lacks). Used to
 * measure stock wasm; a no-op if {@link registerWasmKernels} never ran.
 */
export function unregisterWasmKernels(tf: TF): void {
  if (originals === null) return;
  for (const [name, config] of originals) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    if (config) tf.registerKernel(config);
  }
  active = false;
}
