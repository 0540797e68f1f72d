import type { ActivationSpec, LayerSpec } from '../../contract/index.js';
import type { Tensor, Variable } from '../tf.js';

/** Per-call options of a forward pass. */
export interface ForwardContext {
  /** True while training: dropout is active. */
  training: boolean;
  /** Seed for this pass's dropout masks (each dropout layer adds its layer index). */
  dropoutSeed: number;
}

/** A trainable parameter of a layer. */
export interface LayerParam {
  /** Role inside the layer, e.g. 'kernel' or 'bias'. */
  role: string;
  variable: Variable;
}

/** What a layer computes for one input batch. */
export interface LayerOutput {
  /** The value before the activation (the affine map for dense; the output itself for others). */
  preActivation: Tensor;
  /** The layer's output (post-activation). May be the same tensor as `preActivation`. */
  output: Tensor;
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
  /** The activation applied by this layer, or null when it has none (dropout). */
  readonly activation: ActivationSpec | null;
  readonly params: readonly LayerParam[];
  /** Number of scalar parameters. */
  readonly paramCount: number;
  /** Applies the layer to x of shape [batch, ...inputShape]; call inside tf.tidy. */
  apply(x: Tensor, ctx: ForwardContext): LayerOutput;
  /** Frees the layer's variables. */
  dispose(): void;
}
