import { FULL_WASM_KERNELS, STOCK_WASM_KERNELS, type WasmKernelSet } from './kernels/index.js';

/**
 * The engine's accelerators: what may make a run faster around the deterministic core (model, step,
 * initializers, diagnostics). A worker chooses them once, at its entry, passes them explicitly to
 * the backend (which registers the kernels), to its gradient peer and to every run, and each run
 * records them in its provenance. Some change a run's numbers (float32 rounding), which is why they
 * are recorded and never switched process-wide behind a run's back.
 */
export interface Accelerators {
  /** InitScope's wasm kernels (engine/kernels): which groups are registered; only used on wasm. */
  wasmKernels: WasmKernelSet;
  /**
   * Batch splitting (engine/parallel/split-policy.ts): 'auto' computes a batch in two parts when
   * decideSplit's rule says so, 'whole' never, 'always' whenever the batch and network allow it
   * (dropping the work thresholds; tests, benchmarks). A reproduction passes the recorded layout instead.
   */
  batchSplit: BatchSplitMode;
}

/** See {@link Accelerators.batchSplit}. */
export type BatchSplitMode = 'auto' | 'whole' | 'always';

/** Every kernel group, batch splitting by the rule. */
export const DEFAULT_ACCELERATORS: Accelerators = Object.freeze({ wasmKernels: FULL_WASM_KERNELS, batchSplit: 'auto' });

/** The environment variables a worker's entry reads its accelerators from (see {@link acceleratorsFromEnv}). */
export const ACCELERATOR_ENV_VARS = {
  /** '0' or 'false': stock wasm kernels only. */
  wasmPatches: 'INITSCOPE_WASM_PATCHES',
  /** '0' or 'false': no fresh-operand GEMM in BatchMatMul. */
  wasmGemm: 'INITSCOPE_WASM_GEMM',
  /** '0' or 'false': JavaScript passes instead of the SIMD heap kernels. */
  wasmHeapSimd: 'INITSCOPE_WASM_HEAP_SIMD',
  /** '0': whole batches; '1': two parts whenever allowed; unset: the rule. */
  batchSplit: 'INITSCOPE_BATCH_SPLIT',
} as const;

/**
 * The accelerators chosen by the environment: read once, by a worker's entry (engine/worker.ts).
 * A kernel flag is off when its variable is '0' or 'false' (any case, spaces ignored), on otherwise
 * (unset included). INITSCOPE_BATCH_SPLIT: '0' → 'whole', '1' → 'always', unset or empty → 'auto'.
 * @throws Error naming the variable when INITSCOPE_BATCH_SPLIT has another value
 */
export function acceleratorsFromEnv(env: NodeJS.ProcessEnv): Accelerators {
  const on = (name: string): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    return raw !== '0' && raw !== 'false';
  };
  const split = env[ACCELERATOR_ENV_VARS.batchSplit]?.trim() ?? '';
  const modes: Record<string, BatchSplitMode> = { '': 'auto', '0': 'whole', '1': 'always' };
  const batchSplit = modes[split];
  if (!batchSplit) throw new Error(`${ACCELERATOR_ENV_VARS.batchSplit}='${split}' is not one of 0, 1 (or unset)`);
  const wasmKernels = on(ACCELERATOR_ENV_VARS.wasmPatches)
    ? { patched: true, gemm: on(ACCELERATOR_ENV_VARS.wasmGemm), heapSimd: on(ACCELERATOR_ENV_VARS.wasmHeapSimd) }
    : STOCK_WASM_KERNELS;
  return { wasmKernels, batchSplit };
}
