import { type ActivationSpec, type LossName, type NetworkSpec, inferNetworkShapes, outputProblems, problemError } from '../contract/index.js';
import { buildLayer } from './layers/build.js';
import type { Layer, StateUpdate } from './layers/types.js';
import type { Tensor, TF, Variable } from './tf.js';

/** Options of a forward pass. */
export interface ForwardOptions {
  /** True while training (dropout active). */
  training: boolean;
  /** Seed of this pass's dropout masks; default 0. Use a new one per step. */
  dropoutSeed?: number;
  /** Also return every layer's output (post-activation), for per-layer diagnostics. */
  collectActivations?: boolean;
  /**
   * One tensor per layer, added to that layer's output (shape [batch, ...outputShape]): pass zeros
   * and differentiate with respect to them to get ∂loss/∂(layer output) (init preview). The last
   * layer's tap is added to its logits too, so for a loss computed on logits it yields ∂loss/∂logits.
   */
  taps?: readonly Tensor[];
  /** While training, batchNorm layers push their moving-statistics updates here (see StateUpdate). */
  stateUpdates?: StateUpdate[];
  /**
   * The caller reads only `logits` (e.g. a cross-entropy on the last pre-activation, see
   * losses.ts readsOnlyLogits): the last layer's activation is then not applied in the pass, and
   * `output` computes it when (and each time) it is read, in the scope reading it. Ignored with
   * `taps` or `collectActivations`.
   */
  logitsOnly?: boolean;
}

/** The result of a forward pass; every tensor has a leading batch dimension. */
export interface ForwardResult {
  /** Network output [batch, ...outputShape] (after the last activation). */
  output: Tensor;
  /** Pre-activation of the last layer (equal to `output` when the last layer has no activation). */
  logits: Tensor;
  /** Per layer, in order, its output [batch, ...layer.outputShape]; only with collectActivations. */
  activations?: Tensor[];
  /** Per layer, a residual block's branch contribution α·branch(x) (undefined for other layers); only with collectActivations. */
  branches?: (Tensor | undefined)[];
}

/** A functional feed-forward model built from a NetworkSpec. */
export interface Model {
  readonly spec: NetworkSpec;
  readonly layers: readonly Layer[];
  /** Input shape without the batch dimension. */
  readonly inputShape: readonly number[];
  /** Output shape without the batch dimension. */
  readonly outputShape: readonly number[];
  /** Activation of the last layer ('linear' if it has none). */
  readonly outputActivation: ActivationSpec;
  /** Total number of scalar parameters. */
  readonly paramCount: number;
  /** All trainable variables, in layer order (kernel before bias). */
  readonly variables: readonly Variable[];
  /** The layer name ('dense_2') owning the variable called `variableName`, if any. */
  layerOfVariable(variableName: string): string | undefined;
  /**
   * Runs the network on x [batch, ...inputShape]. Call inside tf.tidy (or variableGrads): the returned
   * tensors are new and owned by the caller's scope.
   */
  forward(x: Tensor, options: ForwardOptions): ForwardResult;
  /** Frees every variable. The model cannot be used afterwards. */
  dispose(): void;
}

/** What the network must produce, checked by buildModel. */
export interface ModelTarget {
  loss: LossName;
  /** Number of classes of the dataset (labels are class indices in [0, numClasses)); 0 for a regression set. */
  numClasses: number;
  /** Dataset sample shape; must equal network.inputShape. */
  inputShape?: readonly number[];
}

export interface BuildModelOptions {
  /** Run seed. Layer i is seeded with (seed + 1009·i) mod 2^32; its kernel and bias derive from that. */
  seed: number;
  /** If given, the network's input and output are checked against the dataset and loss. */
  target?: ModelTarget;
  /** μP's readout: that dense layer's product x·W is multiplied by `factor` (engine/mup-plan.ts); none for SP. */
  readout?: { layer: number; factor: number };
}

/** Per-process counter making variable names unique (tfjs registers variables by name globally). */
let modelCounter = 0;

/** The seed of layer `index` of a run seeded with `seed` (unsigned 32-bit). */
export function layerSeed(seed: number, index: number): number {
  return (seed + 1009 * index) >>> 0;
}

/**
 * Checks that the network's input and last layer fit the dataset and loss (contract
 * `outputProblems`: the same rules the host applies before a run is stored).
 * @throws Error naming the offending layer (`layer 3 (dense): has 3 units …`) or field
 */
export function checkNetworkTarget(network: NetworkSpec, target: ModelTarget): void {
  const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;
  if (target.inputShape && fmt(target.inputShape) !== fmt(network.inputShape)) {
    throw new Error(`network input shape ${fmt(network.inputShape)} does not match the dataset's sample shape ${fmt(target.inputShape)}`);
  }
  const problem = outputProblems(network, target.loss, target.numClasses)[0];
  if (!problem) return;
  throw problemError(problem);
}

/**
 * Builds a model: shapes are checked first (Error 'layer i (type): …'), then each layer's variables
 * are created and initialised with the seeded initializers.
 * @param tf the TensorFlow.js namespace
 * @returns a Model owning tf.Variables; call model.dispose() when done
 */
export function buildModel(tf: TF, network: NetworkSpec, options: BuildModelOptions): Model {
  const shapes = inferNetworkShapes(network);
  if (options.target) checkNetworkTarget(network, options.target);
  const prefix = `m${++modelCounter}/`;
  const layers: Layer[] = [];
  const context = { residualBlocks: network.layers.filter((l) => l.type === 'residual').length };
  try {
    network.layers.forEach((spec, i) => {
      layers.push(buildLayer(tf, spec, shapes[i]!, layerSeed(options.seed, i), prefix, context, options.readout?.layer === i ? options.readout.factor : 1));
    });
  } catch (error) {
    for (const layer of layers) layer.dispose();
    throw error;
  }
  const owner = new Map<string, string>();
  const variables: Variable[] = [];
  for (const layer of layers) {
    for (const p of layer.params) {
      owner.set(p.variable.name, layer.name);
      variables.push(p.variable);
    }
  }
  const last = layers[layers.length - 1]!;
  let disposed = false;
  return {
    spec: network,
    layers,
    inputShape: [...network.inputShape],
    outputShape: last.outputShape,
    outputActivation: last.activation ?? { name: 'linear' },
    paramCount: layers.reduce((n, l) => n + l.paramCount, 0),
    variables,
    layerOfVariable: (name) => owner.get(name),
    forward(x, opts) {
      if (disposed) throw new Error('model has been disposed');
      const ctx = { training: opts.training, dropoutSeed: opts.dropoutSeed ?? 0, ...(opts.stateUpdates ? { stateUpdates: opts.stateUpdates } : {}) };
      const activations: Tensor[] = [];
      const branches: (Tensor | undefined)[] = [];
      let h = x;
      let pre = x;
      const logitsOnly = opts.logitsOnly === true && !opts.taps && !opts.collectActivations;
      for (const [i, layer] of layers.entries()) {
        const out = layer.apply(h, ctx);
        const last = i === layers.length - 1;
        // Only the last layer's pre-activation (the logits) is read: a fused dense layer computes it on demand.
        if (last) pre = out.preActivation;
        if (last && logitsOnly) {
          // The output activation (softmax of the benchmark MLP) is not needed by the caller: not run here.
          return {
            logits: pre,
            get output() {
              return out.output;
            },
          };
        }
        // Read once: a fused dense layer computes a non-relu activation on every read of `output`.
        const output = out.output;
        h = output;
        const tap = opts.taps?.[i];
        if (tap) {
          // The last layer's tap also shifts its logits, which is what a cross-entropy loss reads.
          if (last && pre !== output) pre = tf.add(pre, tap);
          h = tf.add(h, tap);
          if (last && pre === output) pre = h;
        }
        if (opts.collectActivations) {
          activations.push(h);
          branches.push(out.branch);
        }
      }
      return { output: h, logits: pre, ...(opts.collectActivations ? { activations, branches } : {}) };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const layer of layers) layer.dispose();
    },
  };
}
