import { createRequire } from 'node:module';
import { FULL_WASM_KERNELS, registerWasmKernels, type WasmKernelSet } from './kernels/index.js';
import type { TF } from './tf.js';
import { loadLeanTfjs } from './tfjs-lean.js';

/** Which TensorFlow.js backend to use; 'auto' picks the fastest one that loads. */
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Every accepted backend preference. */
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** Environment variable that forces a backend preference (overrides the argument of initBackend). */
export const BACKEND_ENV_VAR = 'INITSCOPE_BACKEND';

/** An initialised TensorFlow.js. */
export interface BackendInfo {
  /** The namespace to compute with (tfjs, or tfjs-node which re-exports it). */
  tf: TF;
  /** The active backend as tfjs reports it: 'tensorflow', 'wasm' or 'cpu'. */
  backend: string;
  /** The tfjs version, e.g. '4.22.0'. */
  tfjsVersion: string;
}

/** Optional native packages, tried in this order; both are optional peer dependencies. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/**
 * Loads a CommonJS package and returns its exports object. With `require`, not `import()`: Node's ESM
 * loader scans a CommonJS module's source, and every module it re-exports, for named exports (the
 * cjs-module-lexer), which for @tensorflow/tfjs's bundles was ~0.3 CPU-s of every worker's start.
 * The module instance is the same either way (one CommonJS cache).
 */
function requireCjs<T>(specifier: string): T {
  return createRequire(import.meta.url)(specifier) as T;
}

/** The tfjs version string of a namespace (tfjs exports an object, tfjs-node may export a plain string). */
export function readTfjsVersion(tf: TF): string {
  const v = (tf as unknown as { version?: unknown; version_core?: unknown }).version;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const key of ['tfjs', 'tfjs-core']) if (typeof o[key] === 'string') return o[key] as string;
  }
  const core = (tf as unknown as { version_core?: unknown }).version_core;
  return typeof core === 'string' ? core : 'unknown';
}

/** Tries the native TensorFlow bindings; resolves null (silently) when neither loads. */
async function tryTensorflow(): Promise<TF | null> {
  for (const name of NATIVE_PACKAGES) {
    try {
      const tf = requireCjs<TF>(name);
      if (tf.getBackend() !== 'tensorflow' && !(await tf.setBackend('tensorflow'))) continue;
      await tf.ready();
      return tf;
    } catch {
      // Not installed, or its native library failed to load: try the next option.
    }
  }
  return null;
}

/**
 * Loads @tensorflow/tfjs's wasm backend and switches to it; resolves false if wasm fails to load.
 * Then registers kernel set `kernels` (engine/kernels): a failure there is not a reason to fall
 * back to another backend but an error naming the kernel.
 * @throws Error if a kernel of `kernels` cannot be registered
 */
async function tryWasm(tf: TF, kernels: WasmKernelSet): Promise<boolean> {
  try {
    // In Node the wasm binaries load from the package's dist/ folder next to its Node bundle.
    requireCjs('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return false;
    await tf.ready();
  } catch {
    return false;
  }
  registerWasmKernels(tf, kernels);
  return true;
}

/** The preference forced by INITSCOPE_BACKEND, if set. @throws Error on an unknown value */
function forcedPreference(): BackendPreference | undefined {
  const raw = process.env[BACKEND_ENV_VAR]?.trim();
  if (!raw) return undefined;
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(raw)) {
    throw new Error(`${BACKEND_ENV_VAR}='${raw}' is not one of ${BACKEND_PREFERENCES.join(', ')}`);
  }
  return raw as BackendPreference;
}

/**
 * Loads TensorFlow.js and selects a backend. 'auto': tensorflow (tfjs-node-gpu, then tfjs-node) if
 * installed and loadable, else wasm (SIMD when available), else cpu. The env var INITSCOPE_BACKEND
 * (auto | tensorflow | wasm | cpu), when set, overrides `preference`. An explicitly requested
 * backend that cannot load is an error (no silent fallback), and so is, on wasm, a kernel of
 * `kernels` that cannot be registered (the error names it).
 * @param kernels the wasm kernel set to register when the backend is wasm (the worker's accelerators)
 * @returns the namespace, the real backend name (tf.getBackend()) and tf's version
 */
export async function initBackend(preference: BackendPreference = 'auto', kernels: WasmKernelSet = FULL_WASM_KERNELS): Promise<BackendInfo> {
  const choice = forcedPreference() ?? preference;
  if (!BACKEND_PREFERENCES.includes(choice)) throw new Error(`Unknown backend preference '${String(choice)}'`);

  if (choice === 'auto' || choice === 'tensorflow') {
    const native = await tryTensorflow();
    if (native) return { tf: native, backend: native.getBackend(), tfjsVersion: readTfjsVersion(native) };
    if (choice === 'tensorflow') {
      throw new Error(`Backend 'tensorflow' requested but neither ${NATIVE_PACKAGES.join(' nor ')} could be loaded`);
    }
  }

  // tfjs-core + gradients (engine/tfjs-lean.ts) where built, else the whole package: the same kernels and gradients.
  const tf = loadLeanTfjs(requireCjs) ?? requireCjs<TF>('@tensorflow/tfjs');
  if (choice === 'auto' || choice === 'wasm') {
    if (await tryWasm(tf, kernels)) return { tf, backend: tf.getBackend(), tfjsVersion: readTfjsVersion(tf) };
    if (choice === 'wasm') throw new Error("Backend 'wasm' requested but @tensorflow/tfjs-backend-wasm failed to initialise");
  }
  if (!(await tf.setBackend('cpu'))) throw new Error("Backend 'cpu' failed to initialise");
  await tf.ready();
  return { tf, backend: tf.getBackend(), tfjsVersion: readTfjsVersion(tf) };
}
