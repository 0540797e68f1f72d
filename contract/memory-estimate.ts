import type { LayerSpec, NetworkSpec } from './network.js';
import { followShapes, shapeSize } from './shapes.js';
import type { OptimizerSpec } from './training.js';

/** Bytes of one float32 value (every weight, slot and activation the engine keeps is float32). */
export const FLOAT32_BYTES = 4;

/**
 * The largest {@link estimateTrainingMemory} total a run may have: 1.5 GiB. The wasm backend's heap
 * cannot grow past 4 GiB (a bigger network fails deep inside tfjs with "offset is out of bounds"
 * after allocating gigabytes), and tfjs needs room beyond the estimate for temporaries and copies.
 */
export const MAX_TRAINING_BYTES = 1.5 * 2 ** 30;

/** Accumulators an optimizer keeps per trainable parameter (engine/optimizers.ts). */
export function optimizerSlots(name: OptimizerSpec['name']): number {
  switch (name) {
    case 'sgd':
      return 0;
    case 'momentum':
    case 'adagrad':
    case 'rmsprop':
      return 1;
    case 'adam':
    case 'adamw':
      return 2;
  }
}

/** What training a network needs in memory, counted in float32 values and bytes. */
export interface MemoryEstimate {
  /** Trainable parameters. */
  params: number;
  /** Non-trainable values (batchNorm moving statistics). */
  state: number;
  /** Optimizer accumulators per trainable parameter. */
  slots: number;
  /** Samples per forward pass the estimate assumes (the larger of the batch and the probe batch). */
  batch: number;
  /** Activation values kept per sample: the input plus, per layer, its output and its pre-activation. */
  activationsPerSample: number;
  /** (params + state) · 4: the weights. */
  weightBytes: number;
  /** params · 4: one gradient per trainable parameter. */
  gradientBytes: number;
  /** slots · params · 4: the optimizer's accumulators (Adam: first and second moments). */
  optimizerBytes: number;
  /** batch · activationsPerSample · 4: what the forward pass keeps for the backward pass. */
  activationBytes: number;
  /** Sum of the four parts above. */
  totalBytes: number;
}

/**
 * Tensors of a layer's output size kept for the backward pass: 2 (value and pre-activation); a residual
 * block also keeps its branch's layer 1, activation and layer 2 outputs (3), each normalisation's (2) and
 * the projection's (1).
 */
function keptTensors(layer: LayerSpec): number {
  if (layer.type !== 'residual') return 2;
  return 5 + (layer.normalization === 'batchNorm' ? 2 : 0) + (layer.skip === 'projection' ? 1 : 0);
}

/**
 * Estimates the memory one training step of `network` needs, before anything is allocated:
 * weights (trainable and not), a gradient per trainable parameter, the optimizer's accumulators, and
 * for each sample of the largest batch (training batch or statistics probe batch, at most the
 * training samples when known) the input plus every layer's output counted twice (its value and its
 * pre-activation, both kept for the backward pass; a residual block more, see keptTensors). It is a lower bound of what tfjs allocates
 * (temporaries, the dataset itself and the backend's own overhead come on top), good to refuse a
 * network that cannot fit long before it fails. Layers with shape problems count their output as given.
 */
export function estimateTrainingMemory(
  network: NetworkSpec,
  train: { batchSize: number; probeSize: number; optimizer: Pick<OptimizerSpec, 'name'> },
  trainSamples?: number,
): MemoryEstimate {
  const shapes = followShapes(network.inputShape, network.layers);
  const params = shapes.reduce((n, s) => n + s.paramCount, 0);
  const state = shapes.reduce((n, s) => n + s.stateCount, 0);
  const slots = optimizerSlots(train.optimizer.name);
  const cap = trainSamples !== undefined && trainSamples > 0 ? trainSamples : Infinity;
  const batch = Math.max(Math.min(train.batchSize, cap), Math.min(train.probeSize, cap));
  const activationsPerSample = shapeSize(network.inputShape) + shapes.reduce((n, s, i) => n + keptTensors(network.layers[i]!) * shapeSize(s.outputShape), 0);
  const weightBytes = (params + state) * FLOAT32_BYTES;
  const gradientBytes = params * FLOAT32_BYTES;
  const optimizerBytes = slots * params * FLOAT32_BYTES;
  const activationBytes = batch * activationsPerSample * FLOAT32_BYTES;
  return {
    params,
    state,
    slots,
    batch,
    activationsPerSample,
    weightBytes,
    gradientBytes,
    optimizerBytes,
    activationBytes,
    totalBytes: weightBytes + gradientBytes + optimizerBytes + activationBytes,
  };
}

/** A byte count for messages in binary units, e.g. `4.00 GiB`, `12.3 MiB`, `512 bytes`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
