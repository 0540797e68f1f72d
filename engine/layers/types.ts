import type { ActivationSpec, LayerSpec } from '../../contract/index.js';
import type { Tensor, Variable } from '../tf.js';

/** A pending assignment to a non-trainable variable (batchNorm moving statistics), applied after a finite step. */
export interface StateUpdate {
  variable: Variable;
  /** The new value; kept (tf.keep) by the layer, freed by whoever applies or discards it. */
  value: Tensor;
}

/** Per-call options of a forward pass. */
export interface ForwardContext {
  /** True while training: dropout is active and batchNorm uses batch statistics. */
  training: boolean;
  /** Seed for this pass's dropout masks (each dropout layer adds its layer index). */
  dropoutSeed: number;
  /**
   * While training, layers with state (batchNorm) push the new values of their non-trainable
   * variables here; without it they leave their state alone.
   */
  stateUpdates?: StateUpdate[];
}

/** A trainable parameter of a layer. */
export interface LayerParam {
  /** Role inside the layer, e.g. 'kernel', 'bias', 'gamma', 'beta'. */
  role: string;
  variable: Variable;
}

/** What a layer computes for one input batch. */
export interface LayerOutput {
  /** The value before the activation (the affine map for dense; the output itself for others). */
  preActivation: Tensor;
  /** The layer's output (post-activation). May be the same tensor as `preActivation`. */
  output: Tensor;
  /** Residual blocks only: the branch's contribution α·branch(x) added to the skip (same shape as the output). */
  branch?: Tensor;
}

/**
 * A built layer of a functional model. Shapes exclude the batch dimension. To add a layer type:
 * extend contract LayerSpec, add its shape rule in shapes.ts and its builder in build.ts.
 */
export interface Layer {
  /** Position in NetworkSpec.layers (0-based). */
  readonly index: number;
  readonly type: LayerSpec['type'];
  /** `${type}_${index}`, e.g. 'dense_2'; used in events (diverged layer) and variable names. */
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** The activation applied by this layer, or null when it has none (dropout, pooling, …). */
  readonly activation: ActivationSpec | null;
  /** Trainable parameters, main weight first (kernel; gamma for batchNorm). */
  readonly params: readonly LayerParam[];
  /** Number of trainable scalar parameters. */
  readonly paramCount: number;
  /** Applies the layer to x of shape [batch, ...inputShape]; call inside tf.tidy. */
  apply(x: Tensor, ctx: ForwardContext): LayerOutput;
  /** Frees the layer's variables (trainable and not). */
  dispose(): void;
}
