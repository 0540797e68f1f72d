import type { ActivationSpec, LossName, NetworkSpec } from '../../contract/index.js';
import type { BackendPreference } from '../backend.js';
import type { WasmKernelSet } from '../kernels/index.js';

/**
 * Messages between an engine worker's main thread and its gradient peer (a worker thread with its
 * own TensorFlow.js instance), used to split one training step's batch across two cores. All arrays
 * cross the thread boundary as transferred buffers (no copy).
 */
export type ToPeer =
  /** Load TensorFlow.js on this backend with this wasm kernel set (the worker's own). Answered by 'ready' or 'failed'. */
  | { type: 'init'; backend: BackendPreference; kernels: WasmKernelSet }
  /** Build the run's network (variables in model.variables order) and its loss; replaces any earlier one. */
  | {
      type: 'prepare';
      network: NetworkSpec;
      loss: LossName;
      outputActivation: ActivationSpec;
      outputUnits: number;
      numClasses: number;
      /** μP's readout multiplier; absent for a standard run. */
      readout?: { layer: number; factor: number };
    }
  /**
   * Gradients of `lossScale` × the mean loss over `n` samples with these weights. Answered by one
   * 'gradients' with the same id. `weights`: one array per variable, model.variables order; `x`
   * row-major [n, ...inputShape]; `y` class indices (int32) or regression targets (float32).
   */
  | { type: 'gradients'; id: number; weights: Float32Array[]; x: Float32Array; y: Int32Array | Float32Array; n: number; dropoutSeed: number; lossScale: number }
  /** Free the network (the thread stays, ready for the next run's 'prepare'). */
  | { type: 'release' };

export type FromPeer =
  | { type: 'ready'; backend: string }
  | { type: 'failed'; error: string }
  /**
   * `loss`: lossScale × the mean over the peer's samples; `correct`: how many it classified correctly;
   * `grads`: one per variable (model.variables order; zeros where the loss does not depend on it);
   * `busyMs`: time from receiving the request to answering it. `error` instead when it failed.
   */
  | { type: 'gradients'; id: number; loss: number; correct: number; grads: Float32Array[]; busyMs: number }
  | { type: 'gradients'; id: number; error: string };
