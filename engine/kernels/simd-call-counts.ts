/**
 * How many calls each SIMD heap kernel has run in this process. A diagnostic that lets tests see that
 * the SIMD path ran (whether it runs is decided by the kernel set given to registerWasmKernels).
 */
export const heapSimdCalls = { sumLeadingAxes: 0, maxPoolGrad: 0, conv2dBackpropFilter: 0 };
