import { afterEach, describe, expect, it } from 'vitest';
import { BACKEND_ENV_VAR, initBackend } from '../../../engine/backend.js';

const saved = process.env[BACKEND_ENV_VAR];
afterEach(() => {
  if (saved === undefined) delete process.env[BACKEND_ENV_VAR];
  else process.env[BACKEND_ENV_VAR] = saved;
});

describe('initBackend', () => {
  it('selects wasm when asked, reporting the real backend and tfjs version', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const info = await initBackend('wasm');
    expect(info.backend).toBe('wasm');
    expect(info.tf.getBackend()).toBe('wasm');
    expect(info.tfjsVersion).toBe('4.22.0');
    const y = info.tf.tidy(() => info.tf.add(info.tf.tensor1d([1, 2]), 1).dataSync());
    expect(Array.from(y)).toEqual([2, 3]);
  });

  it('auto falls back quickly and silently from the absent native packages', async () => {
    delete process.env[BACKEND_ENV_VAR];
    const t0 = Date.now();
    const info = await initBackend('auto');
    expect(['tensorflow', 'wasm', 'cpu']).toContain(info.backend);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('lets INITSCOPE_BACKEND force a backend, and rejects unknown values', async () => {
    process.env[BACKEND_ENV_VAR] = 'cpu';
    expect((await initBackend('wasm')).backend).toBe('cpu');
    process.env[BACKEND_ENV_VAR] = 'gpu-please';
    await expect(initBackend()).rejects.toThrow(/INITSCOPE_BACKEND='gpu-please' is not one of/);
    delete process.env[BACKEND_ENV_VAR];
    expect((await initBackend('wasm')).backend).toBe('wasm');
  });

  it('reports an explicitly requested tensorflow backend that cannot load', async () => {
    delete process.env[BACKEND_ENV_VAR];
    let native = true;
    try {
      await import(['@tensorflow', 'tfjs-node'].join('/'));
    } catch {
      native = false;
    }
    if (native) return; // tfjs-node is installed here: nothing to check
    await expect(initBackend('tensorflow')).rejects.toThrow(/Backend 'tensorflow' requested/);
  });
});
