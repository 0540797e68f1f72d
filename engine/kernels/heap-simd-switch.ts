import { envFlagOn } from './env-flag.js';

/**
 * One process-wide switch for the WebAssembly SIMD versions of the memory-bound wasm kernels
 * (Sum over leading axes, MaxPoolGrad, and the GEMM inside Conv2DBackpropFilter): off, Sum and
 * MaxPoolGrad run their JavaScript heap passes, which give the same values, and
 * Conv2DBackpropFilter multiplies with the stock BatchMatMul (float32 rounding differs). For A/B measurements within one process and for tests.
 */

/** Environment variable that turns the SIMD heap kernels off when set to '0' or 'false'. */
export const HEAP_SIMD_ENV_VAR = 'INITSCOPE_WASM_HEAP_SIMD';

/** False when INITSCOPE_WASM_HEAP_SIMD is '0' or 'false'; true otherwise (the default). */
export function heapSimdWanted(): boolean {
  return envFlagOn(HEAP_SIMD_ENV_VAR);
}

let enabled = heapSimdWanted();

/** Turns the SIMD heap kernels on or off for the whole process (default from INITSCOPE_WASM_HEAP_SIMD). */
export function setHeapSimd(on: boolean): void {
  enabled = on;
}

/** True while the SIMD heap kernels are switched on. */
export function heapSimdEnabled(): boolean {
  return enabled;
}

/** How many calls each SIMD heap kernel has run (process-wide; lets tests see that the SIMD path ran). */
export const heapSimdCalls = { sumLeadingAxes: 0, maxPoolGrad: 0, conv2dBackpropFilter: 0 };
