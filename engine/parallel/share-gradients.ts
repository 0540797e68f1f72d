import { createLoss, type LossFunction } from '../losses.js';
import { buildModel, type Model } from '../model.js';
import { computeBatchGradients, disposeBatchGradients } from '../step.js';
import type { TF } from '../tf.js';
import type { PeerNetwork } from './gradient-peer.js';

/** A copy of a run's network that computes one part of a split batch from weights sent to it. */
export interface ShareNetwork {
  model: Model;
  lossFn: LossFunction;
}

/** What one part of a split batch contributes: host arrays, ready to add to the other part's. */
export interface ShareGradients {
  /** lossScale × the mean loss over the part's samples (a float32 value). */
  loss: number;
  /** Samples of the part classified correctly. */
  correct: number;
  /** One gradient per model variable, model.variables order, each with the variable's size (zeros where the loss does not depend on it). */
  grads: Float32Array[];
}

/** The part's request: the weights to use, its samples, its dropout seed and loss scale. */
export interface ShareRequest {
  /** One array per variable, model.variables order. */
  weights: readonly Float32Array[];
  /** Row-major [n, ...inputShape]. */
  x: Float32Array;
  /** [n] class indices (Int32Array) or regression targets (Float32Array). */
  y: Int32Array | Float32Array;
  n: number;
  dropoutSeed: number;
  lossScale: number;
}

/**
 * Builds the network a part is computed with (its initial weights are irrelevant: every request
 * assigns the weights it carries). Used by the gradient peer thread and, on the worker's own thread,
 * when the peer is not available: both then run exactly the same code on the same backend and kernels.
 */
export function buildShareNetwork(tf: TF, network: PeerNetwork): ShareNetwork {
  const model = buildModel(tf, network.network, { seed: 0, ...(network.readout ? { readout: network.readout } : {}) });
  const lossFn = createLoss(tf, network.loss, { outputActivation: network.outputActivation, outputUnits: network.outputUnits, numClasses: network.numClasses });
  return { model, lossFn };
}

/**
 * Gradients of `lossScale` × the mean loss over one part of a batch, with the weights of the request
 * assigned to `net` first (fresh tensors, so the wasm kernels take the same paths wherever this runs —
 * the SIMD GEMM of kernels/batch-matmul.ts for a weight it has not multiplied before). Deterministic:
 * the same request on the same backend and kernel set gives the same bits, on the peer thread or on
 * the worker's own thread. Frees every tensor it creates.
 * @throws Error when a weight array's size does not match its variable
 */
export function shareGradients(tf: TF, net: ShareNetwork, request: ShareRequest): ShareGradients {
  const { model, lossFn } = net;
  model.variables.forEach((v, i) => {
    const w = request.weights[i];
    if (!w || w.length !== v.size) throw new Error(`batch part: weights of variable ${i} have ${w?.length ?? 0} values, expected ${v.size}`);
    tf.tidy(() => v.assign(tf.tensor(w, v.shape, 'float32')));
  });
  const xb = tf.tensor(request.x, [request.n, ...model.inputShape], 'float32');
  const yb = tf.tensor1d(request.y, request.y instanceof Float32Array ? 'float32' : 'int32');
  try {
    const computed = computeBatchGradients(tf, model, lossFn, xb, yb, request.dropoutSeed, request.lossScale);
    try {
      const grads = model.variables.map((v) => {
        const g = computed.grads[v.name];
        return g ? (g.dataSync() as Float32Array).slice() : new Float32Array(v.size);
      });
      return { loss: computed.value.dataSync()[0] as number, correct: computed.correct.dataSync()[0] as number, grads };
    } finally {
      disposeBatchGradients(computed);
    }
  } finally {
    xb.dispose();
    yb.dispose();
  }
}
