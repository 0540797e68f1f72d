import { createHash } from 'node:crypto';
import type { EngineProvenance } from '../contract/index.js';
import type { Split } from './batches.js';
import type { GeneratedDataset, TestPart } from './datasets/builtin.js';
import { PATCHED_WASM_KERNELS, type WasmKernelSet } from './kernels/index.js';
import type { SplitDecision } from './parallel/split-policy.js';

/** The bytes of a typed array (a view, no copy). */
const bytes = (a: Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Hashes computed per loaded dataset (its arrays never change once loaded). */
const dataHashes = new WeakMap<Float32Array, string>();

/**
 * SHA-256 (hex) of a dataset's samples (float32 bytes, row-major) followed by its labels (the float32
 * targets of a regression set, else the int32 class indices). Cached per loaded dataset.
 */
export function datasetHash(data: GeneratedDataset): string {
  const cached = dataHashes.get(data.x);
  if (cached) return cached;
  const hash = createHash('sha256')
    .update(bytes(data.x))
    .update(bytes(data.targets ?? data.y))
    .digest('hex');
  dataHashes.set(data.x, hash);
  return hash;
}

/** SHA-256 (hex) of a held-out test part: its samples (float32 bytes, row-major) then its class indices (int32 bytes). */
export function testPartHash(test: TestPart): string {
  return createHash('sha256').update(bytes(test.x)).update(bytes(test.y)).digest('hex');
}

/** SHA-256 (hex) of a split: the train indices then the validation indices, as int32 bytes. */
export function splitHash(split: Split): string {
  return createHash('sha256').update(bytes(split.train)).update(bytes(split.val)).digest('hex');
}

/**
 * The provenance record of wasm kernel set `kernels` (the one the worker registered, see
 * registerWasmKernels) on `backend`: 'none' on a backend other than wasm, 'stock' or 'patched'.
 */
export function kernelSet(backend: string, kernels: WasmKernelSet): EngineProvenance['kernels'] {
  if (backend !== 'wasm') return { set: 'none', groups: [], gemm: false, heapSimd: false };
  const patched = kernels.patched;
  return {
    set: patched ? 'patched' : 'stock',
    groups: patched ? [...PATCHED_WASM_KERNELS] : [],
    gemm: patched && kernels.gemm,
    heapSimd: patched && kernels.heapSimd,
  };
}

/**
 * The engine's reproducibility record of a run about to train (see EngineProvenance): seed, data,
 * split and (where the dataset has one) test-part hashes, backend, tfjs version, kernel set, step layout, Node.js version and CPU architecture.
 * @param split the run's train/validation sample indices
 * @param layout the run's step layout (decideSplit)
 * @param kernels the wasm kernel set the worker registered (its accelerators)
 */
export function engineProvenance(
  backend: string,
  tfjsVersion: string,
  seed: number,
  data: GeneratedDataset,
  split: Split,
  layout: SplitDecision,
  kernels: WasmKernelSet,
): EngineProvenance {
  return {
    seed,
    dataset: {
      hash: datasetHash(data),
      splitHash: splitHash(split),
      trainSamples: split.train.length,
      valSamples: split.val.length,
      ...(data.test ? { testHash: testPartHash(data.test), testSamples: data.test.y.length } : {}),
    },
    backend,
    tfjsVersion,
    kernels: kernelSet(backend, kernels),
    split: { parts: layout.split ? 2 : 1, reason: layout.reason, ...(layout.calibration ? { calibration: layout.calibration } : {}) },
    node: process.versions.node,
    arch: process.arch,
  };
}
