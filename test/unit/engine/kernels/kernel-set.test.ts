import { describe, expect, it } from 'vitest';
import { acceleratorsFromEnv, DEFAULT_ACCELERATORS } from '../../../../engine/accelerators.js';
import { initBackend } from '../../../../engine/backend.js';
import { FULL_WASM_KERNELS, registerWasmKernels, STOCK_WASM_KERNELS } from '../../../../engine/kernels/index.js';
import { kernelSet } from '../../../../engine/provenance.js';

describe('acceleratorsFromEnv (read once at a worker entry)', () => {
  it('defaults to every kernel group and the split rule; 0/false turn groups off; a bad INITSCOPE_BATCH_SPLIT is refused by name', () => {
    expect(acceleratorsFromEnv({})).toEqual(DEFAULT_ACCELERATORS);
    expect(acceleratorsFromEnv({ INITSCOPE_WASM_PATCHES: ' FALSE ' }).wasmKernels).toEqual(STOCK_WASM_KERNELS);
    expect(acceleratorsFromEnv({ INITSCOPE_WASM_GEMM: '0' }).wasmKernels).toEqual({ patched: true, gemm: false, heapSimd: true });
    expect(acceleratorsFromEnv({ INITSCOPE_WASM_HEAP_SIMD: 'false', INITSCOPE_WASM_GEMM: '1' }).wasmKernels).toEqual({
      patched: true,
      gemm: true,
      heapSimd: false,
    });
    expect(acceleratorsFromEnv({ INITSCOPE_BATCH_SPLIT: '0' }).batchSplit).toBe('whole');
    expect(acceleratorsFromEnv({ INITSCOPE_BATCH_SPLIT: '1' }).batchSplit).toBe('always');
    expect(() => acceleratorsFromEnv({ INITSCOPE_BATCH_SPLIT: 'yes' })).toThrow(/INITSCOPE_BATCH_SPLIT='yes'/);
  });

  it('records the kernel set as given: none off wasm, stock, patched with its two groups', () => {
    expect(kernelSet('cpu', FULL_WASM_KERNELS)).toEqual({ set: 'none', groups: [], gemm: false, heapSimd: false });
    expect(kernelSet('wasm', STOCK_WASM_KERNELS)).toEqual({ set: 'stock', groups: [], gemm: false, heapSimd: false });
    expect(kernelSet('wasm', { patched: true, gemm: false, heapSimd: true })).toMatchObject({ set: 'patched', gemm: false, heapSimd: true });
    expect(kernelSet('wasm', FULL_WASM_KERNELS).groups).toContain('Conv2DBackpropFilter');
  });
});

describe('registerWasmKernels with an explicit kernel set', () => {
  it('stock gives no Conv2DBackpropFilter; the full set registers it; registering stock again restores the stock BatchMatMul', async () => {
    const stock = await initBackend('wasm', STOCK_WASM_KERNELS);
    expect(stock.tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const stockMatMul = stock.tf.getKernel('BatchMatMul', 'wasm');

    const patched = await initBackend('wasm', FULL_WASM_KERNELS);
    expect(patched.tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(patched.tf.getKernel('BatchMatMul', 'wasm')).not.toBe(stockMatMul);

    registerWasmKernels(patched.tf, STOCK_WASM_KERNELS);
    expect(patched.tf.getKernel('BatchMatMul', 'wasm')).toBe(stockMatMul);
    registerWasmKernels(patched.tf, FULL_WASM_KERNELS);
  });

  it('a kernel whose module cannot be instantiated is an error naming the kernel and the module, and nothing is replaced', async () => {
    const { tf } = await initBackend('wasm', FULL_WASM_KERNELS);
    const before = tf.getKernel('Sum', 'wasm');
    const Instance = WebAssembly.Instance;
    // A WebAssembly without SIMD: every module fails to instantiate.
    WebAssembly.Instance = function () {
      throw new WebAssembly.CompileError('SIMD unsupported');
    } as unknown as typeof WebAssembly.Instance;
    try {
      expect(() => registerWasmKernels(tf, { patched: true, gemm: false, heapSimd: true })).toThrow(
        /wasm kernel 'Conv2DBackpropFilter' cannot be registered: kernel module 'im2col' cannot be instantiated: SIMD unsupported/,
      );
    } finally {
      WebAssembly.Instance = Instance;
    }
    expect(tf.getKernel('Sum', 'wasm')).toBe(before);
  });
});
