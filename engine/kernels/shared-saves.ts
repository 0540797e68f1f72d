import type { KernelFunc } from '@tensorflow/tfjs';
import type { Tensor, TF } from '../tf.js';
import type { Info, KernelArgs } from './wasm-kernel-call.js';

/**
 * Tensors saved for the backward pass without copies, on the patched wasm backend.
 *
 * Every tensor a kernel's gradient needs (inputsToSave, outputsToSave: a dense layer's x, W and y, the
 * loss's logits and labels) is saved by tfjs's engine as `keep(clone(t))`: one `Identity` kernel call
 * and one tape node per saved tensor — 12–14 per MLP step — and the stock wasm `Identity` copies the
 * buffer (1.75 MB per step for the benchmark MLP, W₁ alone 0.8 MB). The cpu and webgl backends
 * share the buffer instead (reference count + 1); so does wasm's own `Reshape`. Two changes, both
 * value-preserving (no kernel writes into an input's buffer: every InitScope kernel writes only the
 * outputs it allocates, `Variable.assign` swaps buffers):
 *  - {@link sharingIdentity}: wasm's `Identity` (also `tf.clone`) returns the same buffer with its
 *    reference count raised, as the cpu backend does (strings keep the stock kernel);
 *  - {@link installSharedSaves}: while exactly one gradient tape records (`gradientDepth` 1: no
 *    higher-order gradient can need the clone's own tape node), the engine saves a tensor as a new
 *    tensor on the same buffer (reference count + 1) instead of running `Identity` and recording a
 *    tape node for it. Nested gradients (depth > 1) and other backends keep tfjs's own path.
 * tf.memory() counts a saved tensor as before (one tensor, its bytes); freeing it lowers the count.
 * Registered with the patched wasm kernels (engine/kernels/index.ts) and, since no number can change,
 * not listed in a run's provenance.
 */

/** The engine internals the shared save uses (tfjs-core 4.x `Engine`). */
interface EngineInternals {
  backendName: string;
  state: { gradientDepth: number; tensorInfo: WeakMap<object, { backend: { incRef?(dataId: object): void } }> };
  saveTensorsForBackwardMode(tensors: Tensor[]): Tensor[];
  makeTensorFromTensorInfo(info: Info, backend?: unknown): Tensor;
  keep<T extends Tensor>(t: T): T;
}

/**
 * wasm's `Identity` kernel without a copy: the output is x's buffer with its reference count raised
 * (freeing either tensor keeps the other's values). String tensors go to `stock`.
 * @param stock the stock wasm Identity (copies), for strings
 */
export function sharingIdentity(stock: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args as KernelArgs).inputs.x as Info | undefined;
    if (!x) throw new Error("Identity: input 'x' is required");
    if (x.dtype === 'string') return stock(args);
    (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** The engine's own saveTensorsForBackwardMode, per engine object, while the shared one is installed. */
const installed = new WeakMap<object, (tensors: Tensor[]) => Tensor[]>();

/**
 * Makes the engine of `tf` save tensors for the backward pass by sharing their buffers (see the file
 * comment) while the wasm backend is active and one gradient tape records; elsewhere its own
 * path. Idempotent; {@link uninstallSharedSaves} restores tfjs's method.
 * @returns false (nothing installed) when this tfjs's engine lacks the internals it relies on
 */
export function installSharedSaves(tf: TF): boolean {
  const engine = tf.engine() as unknown as EngineInternals;
  if (installed.has(engine)) return true;
  const own = engine.saveTensorsForBackwardMode;
  if (typeof own !== 'function' || typeof engine.makeTensorFromTensorInfo !== 'function' || typeof engine.state?.tensorInfo?.get !== 'function') return false;
  installed.set(engine, own);
  engine.saveTensorsForBackwardMode = function shared(this: EngineInternals, tensors: Tensor[]): Tensor[] {
    if (this.state.gradientDepth !== 1 || this.backendName !== 'wasm') return own.call(this, tensors);
    return tensors.map((t) => {
      const backend = this.state.tensorInfo.get(t.dataId)?.backend;
      if (!backend || typeof backend.incRef !== 'function') return own.call(this, [t])[0]!;
      backend.incRef(t.dataId);
      return this.keep(this.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, backend));
    });
  };
  return true;
}

/** Restores tfjs's own saveTensorsForBackwardMode on the engine of `tf` (a no-op if not installed). */
export function uninstallSharedSaves(tf: TF): void {
  const engine = tf.engine() as unknown as EngineInternals;
  const own = installed.get(engine);
  if (!own) return;
  // The instance property shadows the prototype's method: delete it when the original came from there.
  if (Object.getPrototypeOf(engine).saveTensorsForBackwardMode === own) delete (engine as Partial<EngineInternals>).saveTensorsForBackwardMode;
  else engine.saveTensorsForBackwardMode = own;
  installed.delete(engine);
}

/** True while {@link installSharedSaves} is in effect on the engine of `tf`. */
export function hasSharedSaves(tf: TF): boolean {
  return installed.has(tf.engine());
}
