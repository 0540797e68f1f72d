import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/** The wasm backend object as the kernels see it (only what the patches use). */
export interface WasmBackendLike {
  /** Frees a buffer created by a kernel; `force` ignores its reference count. */
  disposeData(dataId: object, force?: boolean): boolean;
  /** Allocates an output buffer on the wasm heap (may grow the heap: take views afterwards). */
  makeOutput(shape: number[], dtype: 'float32'): Info;
  /** A live view of a buffer on the wasm heap (invalidated when the heap grows). */
  typedArrayFromHeap(info: Info): Float32Array;
}

/** Arguments every kernel function receives. */
export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: WasmBackendLike;
  attrs?: NamedAttrMap;
}

/** A tensor description passed between kernels: data id, shape and dtype, no engine bookkeeping. */
export type Info = TensorInfo;

/**
 * Runs registered wasm kernels directly (bypassing the engine, so nothing lands on the gradient tape
 * or in tf.memory()) and frees the intermediate buffers they create. One per kernel call.
 */
export class KernelScope {
  private readonly temporaries: Info[] = [];

  /**
   * @param backend the wasm backend passed to the outer kernel
   * @param kernelOf resolves a kernel name to the function to run (the stock implementation)
   */
  constructor(
    readonly backend: WasmBackendLike,
    private readonly kernelOf: (name: string) => KernelFunc,
  ) {}

  /** Runs kernel `name` and remembers its output as a temporary (freed by {@link dispose}). */
  run(name: string, inputs: NamedTensorInfoMap | Info[], attrs: NamedAttrMap = {}): Info {
    const out = this.kernelOf(name)({ inputs: inputs as NamedTensorInfoMap, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`kernel ${name} returned ${out.length} outputs, expected one`);
    this.temporaries.push(out);
    return out;
  }

  /** A new float32 buffer of `shape` on the wasm heap (uninitialised), freed by {@link dispose} unless kept. */
  alloc(shape: number[]): Info {
    const out = this.backend.makeOutput(shape, 'float32');
    this.temporaries.push(out);
    return out;
  }

  /** A float32 view of `x` on the wasm heap; take views only after the last allocation of the call. */
  view(x: Info): Float32Array {
    if (x.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${x.dtype}`);
    return this.backend.typedArrayFromHeap(x);
  }

  /** x with its two innermost axes swapped: [..., m, n] → [..., n, m] (a copy). */
  transposeInner(x: Info): Info {
    const rank = x.shape.length;
    const perm = [...Array(rank).keys()];
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return this.run('Transpose', { x }, { perm });
  }

  /** x viewed with another shape of the same size (shares the buffer). */
  reshape(x: Info, shape: number[]): Info {
    return this.run('Reshape', { x }, { shape });
  }

  /** Keeps `result` alive past {@link dispose} (it becomes the outer kernel's output). */
  keep(result: Info): Info {
    const i = this.temporaries.lastIndexOf(result);
    if (i >= 0) this.temporaries.splice(i, 1);
    return result;
  }

  /** Frees every temporary not kept. */
  dispose(): void {
    for (const t of this.temporaries.splice(0)) this.backend.disposeData(t.dataId);
  }
}

/** The stock kernel `name` of the wasm backend, from the saved originals. @throws if wasm lacks it */
export function stockKernel(originals: ReadonlyMap<string, KernelConfig>, name: string): KernelFunc {
  const config = originals.get(name);
  if (!config) throw new Error(`wasm kernel '${name}' is not registered (is @tensorflow/tfjs-backend-wasm loaded?)`);
  return config.kernelFunc;
}
