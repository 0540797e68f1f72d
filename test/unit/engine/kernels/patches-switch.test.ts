import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../engine/backend.js';
import { WASM_PATCHES_ENV_VAR, wasmPatchesActive } from '../../../../engine/kernels/index.js';

const saved = process.env[WASM_PATCHES_ENV_VAR];
afterEach(() => {
  if (saved === undefined) delete process.env[WASM_PATCHES_ENV_VAR];
  else process.env[WASM_PATCHES_ENV_VAR] = saved;
});

describe(`${WASM_PATCHES_ENV_VAR}`, () => {
  it("'0' gives stock wasm (no Conv2DBackpropFilter); unset restores the patches", async () => {
    process.env[WASM_PATCHES_ENV_VAR] = '0';
    const stock = await initBackend('wasm');
    expect(wasmPatchesActive()).toBe(false);
    expect(stock.tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const stockMatMul = stock.tf.getKernel('BatchMatMul', 'wasm');

    delete process.env[WASM_PATCHES_ENV_VAR];
    const patched = await initBackend('wasm');
    expect(wasmPatchesActive()).toBe(true);
    expect(patched.tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(patched.tf.getKernel('BatchMatMul', 'wasm')).not.toBe(stockMatMul);

    process.env[WASM_PATCHES_ENV_VAR] = 'false';
    await initBackend('wasm');
    expect(patched.tf.getKernel('BatchMatMul', 'wasm')).toBe(stockMatMul);
  });
});
