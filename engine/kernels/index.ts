import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { TF } from '../tf.js';
import { freshOperandGemm, transposedMatMulFastPath } from './batch-matmul.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { DENSE_KERNEL, DENSE_RELU_GRAD_KERNEL, denseForwardHeap, denseReluGradHeap, registerDenseGradient } from './dense-fused.js';
import { heapMemoryOf, instantiateOn, type KernelModuleName } from './heap-module.js';
import { maxPoolGradHeap } from './max-pool-grad.js';
import {
  SOFTMAX_CE_GRAD_KERNEL,
  SOFTMAX_CE_KERNEL,
  registerSoftmaxCrossEntropyGradient,
  softmaxCrossEntropyGradHeap,
  softmaxCrossEntropyHeap,
} from './softmax-cross-entropy.js';
import { OPTIMIZER_UPDATE_KERNEL, optimizerUpdateHeap } from './optimizer-update.js';
import { installSharedSaves, sharingIdentity, uninstallSharedSaves } from './shared-saves.js';
import { sumLeadingAxes } from './sum-leading-axes.js';
import { stockKernel } from './wasm-kernel-call.js';

/** Names of the wasm kernels InitScope registers, replacing (or adding) the stock one. */
export const PATCHED_WASM_KERNELS = [
  'BatchMatMul',
  '_FusedMatMul',
  'Conv2DBackpropFilter',
  'MaxPoolGrad',
  'Sum',
  OPTIMIZER_UPDATE_KERNEL,
  DENSE_KERNEL,
  DENSE_RELU_GRAD_KERNEL,
  SOFTMAX_CE_KERNEL,
  SOFTMAX_CE_GRAD_KERNEL,
] as const;

/**
 * Stock kernels replaced by ones giving the same values (wasm's Identity shares the buffer instead of
 * copying it, see shared-saves.ts): registered with the patched set but, like the zero-skipping GEMM,
 * not listed in a run's provenance (`kernels.groups`), since they cannot change a number.
 */
const VALUE_NEUTRAL_KERNELS = ['Identity'] as const;

/** Every kernel name registerWasmKernels replaces or adds. */
const REGISTERED = [...PATCHED_WASM_KERNELS, ...VALUE_NEUTRAL_KERNELS] as const;

/** One of {@link PATCHED_WASM_KERNELS}. */
export type PatchedWasmKernel = (typeof PATCHED_WASM_KERNELS)[number];

/**
 * Which of InitScope's wasm kernels a worker registers (engine/accelerators.ts chooses it once per
 * worker and records it on every run):
 * - `patched`: false keeps every stock wasm kernel (then `gemm` and `heapSimd` do not matter);
 * - `gemm`: BatchMatMul multiplies a B operand it has not seen before with the SIMD GEMM (gemm.wat)
 *   instead of creating an XNNPACK operator for it, and the fused dense kernel (dense-fused.ts:
 *   product, bias and relu as one tfjs kernel with its own gradient) is registered;
 * - `heapSimd`: Sum over leading axes, MaxPoolGrad and Conv2DBackpropFilter's im2col and product run
 *   as WebAssembly SIMD on the heap (sum-rows.wat, max-pool-grad.wat, im2col.wat, gemm.wat); false
 *   selects their JavaScript passes (same values) and the stock BatchMatMul for the product (float32
 *   rounding differs).
 */
export interface WasmKernelSet {
  readonly patched: boolean;
  readonly gemm: boolean;
  readonly heapSimd: boolean;
}

/** Every InitScope wasm kernel with every SIMD module: the default. */
export const FULL_WASM_KERNELS: WasmKernelSet = Object.freeze({ patched: true, gemm: true, heapSimd: true });

/** The stock wasm kernels only (to measure them). */
export const STOCK_WASM_KERNELS: WasmKernelSet = Object.freeze({ patched: false, gemm: false, heapSimd: false });

/** Stock wasm kernel configs (undefined where wasm has none), saved before the first registration; per tfjs instance. */
let originals: Map<string, KernelConfig | undefined> | null = null;

/** The kernels that run when patched, built from the stock ones for kernel set `set`. */
function patchedKernels(tf: TF, stock: Map<string, KernelConfig>, set: WasmKernelSet): Partial<Record<(typeof REGISTERED)[number], KernelFunc>> {
  const kernelOf = (name: string): KernelFunc => stockKernel(stock, name);
  const batchMatMul = transposedMatMulFastPath(kernelOf('BatchMatMul'), kernelOf);
  const gemmMatMul = set.gemm ? freshOperandGemm(batchMatMul, kernelOf) : null;
  return {
    BatchMatMul: gemmMatMul ?? batchMatMul,
    // The fused dense layer only with the GEMM (without it the dense layer keeps its tf ops).
    ...(gemmMatMul ? { [DENSE_KERNEL]: denseForwardHeap(gemmMatMul, kernelOf), [DENSE_RELU_GRAD_KERNEL]: denseReluGradHeap(kernelOf) } : {}),
    _FusedMatMul: transposedMatMulFastPath(kernelOf('_FusedMatMul'), kernelOf),
    Conv2DBackpropFilter: conv2dBackpropFilter(tf, kernelOf, set.heapSimd),
    MaxPoolGrad: maxPoolGradHeap(tf, kernelOf('MaxPoolGrad'), kernelOf, set.heapSimd),
    Sum: sumLeadingAxes(kernelOf('Sum'), kernelOf, set.heapSimd),
    [OPTIMIZER_UPDATE_KERNEL]: optimizerUpdateHeap(kernelOf),
    [SOFTMAX_CE_KERNEL]: softmaxCrossEntropyHeap(kernelOf),
    [SOFTMAX_CE_GRAD_KERNEL]: softmaxCrossEntropyGradHeap(kernelOf),
    // Shares the buffer instead of copying it (shared-saves.ts): the same values.
    Identity: sharingIdentity(kernelOf('Identity')),
  };
}

/** The WebAssembly modules (engine/kernels/wat) each kernel of set `set` runs. */
function modulesOf(set: WasmKernelSet): [PatchedWasmKernel, KernelModuleName][] {
  const modules: [PatchedWasmKernel, KernelModuleName][] = [];
  if (set.gemm) modules.push(['BatchMatMul', 'gemm'], [DENSE_KERNEL, 'dense']);
  if (set.heapSimd) modules.push(['Conv2DBackpropFilter', 'im2col'], ['Conv2DBackpropFilter', 'gemm'], ['MaxPoolGrad', 'max-pool-grad'], ['Sum', 'sum-rows']);
  modules.push([OPTIMIZER_UPDATE_KERNEL, 'optimizer']);
  return modules;
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

/**
 * Registers InitScope's wasm kernels as kernel set `set` says (see {@link WasmKernelSet}), or, when
 * `set.patched` is false, restores the stock ones (removing Conv2DBackpropFilter and
 * InitScopeOptimizerUpdate, which stock wasm lacks). The kernels: BatchMatMul and _FusedMatMul with a
 * fast path for transposed operands (BatchMatMul also with the fresh-operand GEMM when `set.gemm`),
 * the missing Conv2DBackpropFilter, a faster MaxPoolGrad, a faster Sum over leading axes and the
 * fused optimizer update (engine/optimizers.ts uses it when registered), and an Identity that shares
 * buffers, with the engine saving tensors for the backward pass the same way (shared-saves.ts). Gradients equal the cpu
 * backend's to float32 rounding. Call after the wasm backend is ready; calling it again replaces the
 * registration. Kernel registrations are global to the tfjs instance: every model of the process
 * computes with the last set registered.
 * @param tf the TensorFlow.js namespace whose registry holds the wasm backend (the current backend)
 * @throws Error if the wasm backend is not loaded, or naming the kernel and its WebAssembly module
 *   when that module cannot be instantiated on the backend's heap (nothing is registered then)
 */
export function registerWasmKernels(tf: TF, set: WasmKernelSet = FULL_WASM_KERNELS): void {
  if (tf.getKernel('BatchMatMul', 'wasm') === undefined) throw new Error('registerWasmKernels: the wasm backend is not loaded');
  if (originals === null) {
    originals = new Map(REGISTERED.map((name) => [name, tf.getKernel(name, 'wasm')]));
  }
  if (!set.patched) {
    unregisterWasmKernels(tf);
    return;
  }
  const memory = heapMemoryOf(tf.findBackend('wasm'));
  for (const [kernel, module] of modulesOf(set)) {
    if (!memory) throw new Error(`wasm kernel '${kernel}': the tfjs wasm backend exposes no WebAssembly.Memory to run ${module}.wat on`);
    try {
      instantiateOn(module, memory);
    } catch (error) {
      throw new Error(`wasm kernel '${kernel}' cannot be registered: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const stock = stockKernels(tf);
  const kernels = patchedKernels(tf, stock, set);
  for (const name of REGISTERED) {
    const kernelFunc = kernels[name];
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    if (kernelFunc) tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
    else if (stock.has(name)) tf.registerKernel(stock.get(name) as KernelConfig);
  }
  registerDenseGradient(tf);
  registerSoftmaxCrossEntropyGradient(tf);
  installSharedSaves(tf);
}

/**
 * Restores the stock wasm kernels (removing Conv2DBackpropFilter and InitScopeOptimizerUpdate,
 * which stock wasm lacks); a no-op if {@link registerWasmKernels} never ran.
 */
export function unregisterWasmKernels(tf: TF): void {
  if (originals === null) return;
  uninstallSharedSaves(tf);
  for (const [name, config] of originals) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    if (config) tf.registerKernel(config);
  }
}
