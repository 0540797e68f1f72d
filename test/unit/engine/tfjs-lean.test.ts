import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The lean TensorFlow.js load (engine/tfjs-lean.ts): tfjs-core + the cpu backend + tfjs-core's gradients
// and chained ops bundled at build (dist/engine/tfjs-lean.cjs), instead of the whole @tensorflow/tfjs.
// Checked on the compiled engine in fresh processes (the registries are process-global), against the
// whole package (INITSCOPE_TFJS_FULL=1) as the independent reference.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIST_BACKEND = `${ROOT}dist/engine/backend.js`;
const PROBE = fileURLToPath(new URL('./fixtures/lean-tfjs-probe.mjs', import.meta.url));
const built = existsSync(`${ROOT}dist/engine/tfjs-lean.cjs`) && existsSync(DIST_BACKEND);

interface Probe {
  backend: string;
  packagesAtStart: string[];
  loss: string[];
  grads: Record<string, string[]>;
  layersDense: string;
  packagesAfterLayers: string[];
}

const probe = async (backend: string, full: boolean): Promise<Probe> => {
  const env: NodeJS.ProcessEnv = { ...process.env, INITSCOPE_TFJS_FULL: full ? '1' : '0' };
  delete env.INITSCOPE_BACKEND;
  const { stdout } = await promisify(execFile)(process.execPath, [PROBE, DIST_BACKEND, backend], { env, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Probe;
};

describe.skipIf(!built)('lean TensorFlow.js load (needs `npm run build:node`)', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`on ${backend}: loads no layers/converter/data/webgl, gives the whole package's bits, and tf.layers on demand`, async () => {
      const [lean, full] = await Promise.all([probe(backend, false), probe(backend, true)]);
      expect(lean.backend).toBe(backend);
      expect(lean.packagesAtStart).not.toContain('tfjs-layers');
      expect(lean.packagesAtStart).not.toContain('tfjs-backend-webgl');
      expect(lean.packagesAtStart).not.toContain('tfjs-converter');
      expect(full.packagesAtStart).toContain('tfjs-layers'); // the reference really is the whole package
      // Same loss and gradients, bit for bit, for conv2d, maxPool, moments, elu, tanh, step, matMul, softmax CE.
      expect(Object.keys(lean.grads).sort()).toEqual(['b', 'd', 'k']);
      expect(lean.loss).toEqual(full.loss);
      expect(lean.grads).toEqual(full.grads);
      expect(lean.grads.k!.some((b) => b !== '0')).toBe(true);
      // Names only the whole package has still work: reading tf.layers loads it then.
      expect(lean.layersDense).toBe('function');
      expect(lean.packagesAfterLayers).toContain('tfjs-layers');
    }, 90_000);
  }
});
