import type { OptimizerSpec } from '../contract/index.js';
import type { RuleParams } from './kernels/optimizer-rules.js';
import { hasFusedOptimizerUpdate, runFusedOptimizerUpdate } from './kernels/optimizer-update.js';
import type { Tensor, TF, Variable } from './tf.js';

/**
 * The engine's optimizers, written out so that every formula is the paper's and the learning rate
 * can change every step (schedules). For a variable w with gradient g, learning rate η and step
 * count t (from 1, counted per applyGradients call):
 * - sgd: w ← w − η·g
 * - momentum (Polyak; Sutskever et al. 2013 form): v ← μ·v + g; w ← w − η·v.
 *   Nesterov: w ← w − η·(g + μ·v) with the new v (as Keras, PyTorch and tfjs).
 * - adagrad (Duchi et al. 2011): G ← G + g²; w ← w − η·g/(√G + ε); G starts at `initialAccumulator`.
 * - rmsprop (Hinton 2012): s ← ρ·s + (1 − ρ)·g²; w ← w − η·g/(√s + ε); s starts at 0.
 * - adam (Kingma & Ba 2015): m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; m̂ = m/(1 − β₁ᵗ);
 *   v̂ = v/(1 − β₂ᵗ); w ← w − η·m̂/(√v̂ + ε).
 * - adamw (Loshchilov & Hutter 2019, decoupled decay as PyTorch): w ← w − η·(m̂/(√v̂ + ε) + λ·w),
 *   applied to every variable (biases included).
 * tfjs's built-ins differ in places (its rmsprop and adagrad put ε inside the square root).
 *
 * Where the active backend has the fused kernel InitScopeOptimizerUpdate (patched wasm,
 * engine/kernels), each variable is updated in one pass over its buffers with the same formulas and
 * the same float32 roundings; elsewhere (cpu, tensorflow, stock wasm) with tf ops.
 */
export interface Optimizer {
  readonly spec: OptimizerSpec;
  /** Updates applied so far. */
  readonly iterations: number;
  /**
   * Applies one update to every variable named in `grads` (tf.variableGrads's map, keyed by variable
   * name); `learningRate` defaults to spec.learningRate. Frees every temporary tensor.
   */
  applyGradients(grads: Record<string, Tensor>, learningRate?: number): void;
  /** Frees the optimizer's state (accumulators, moments). */
  dispose(): void;
}

/** Per-variable optimizer state: one slot per accumulator, created on first use. */
type Slots = Variable[];

/** Names of the accumulators each optimizer keeps per variable, and their initial value. */
function slotInits(spec: OptimizerSpec): number[] {
  switch (spec.name) {
    case 'sgd':
      return [];
    case 'momentum':
      return [0];
    case 'adagrad':
      return [spec.initialAccumulator];
    case 'rmsprop':
      return [0];
    case 'adam':
    case 'adamw':
      return [0, 0];
    default:
      throw new Error(`Unknown optimizer '${(spec as { name: string }).name}'`);
  }
}

/**
 * Creates an optimizer for a contract OptimizerSpec (learning rate per batch step). The caller owns
 * it and frees it with {@link disposeOptimizer} (or `dispose()`) after the run.
 * @param tf the TensorFlow.js namespace
 * @param lrFactors per-variable learning-rate factors keyed by variable name (μP, engine/mup-plan.ts):
 *   the variable's step uses η·factor in place of η in every formula above (adamw's decay too, as a
 *   PyTorch parameter group's lr), on the tf-op and the fused path alike; absent names use η
 */
export function createOptimizer(tf: TF, spec: OptimizerSpec, lrFactors: ReadonlyMap<string, number> = new Map()): Optimizer {
  const inits = slotInits(spec);
  const state = new Map<string, Slots>();
  let iterations = 0;
  const slotsOf = (w: Variable): Slots => {
    let slots = state.get(w.name);
    if (!slots) {
      slots = inits.map((value) => tf.tidy(() => tf.variable(tf.fill(w.shape, value), false)));
      state.set(w.name, slots);
    }
    return slots;
  };

  /** The new value of w with tf ops (inside tf.tidy); assigns the slots. */
  const update = (w: Variable, g: Tensor, lr: number, t: number): Tensor => {
    const slots = slotsOf(w);
    switch (spec.name) {
      case 'sgd':
        return tf.sub(w, tf.mul(g, lr));
      case 'momentum': {
        const v = tf.add(tf.mul(slots[0]!, spec.momentum), g);
        slots[0]!.assign(v);
        const direction = spec.nesterov ? tf.add(g, tf.mul(v, spec.momentum)) : v;
        return tf.sub(w, tf.mul(direction, lr));
      }
      case 'adagrad': {
        const acc = tf.add(slots[0]!, tf.square(g));
        slots[0]!.assign(acc);
        return tf.sub(w, tf.mul(tf.div(g, tf.add(tf.sqrt(acc), spec.epsilon)), lr));
      }
      case 'rmsprop': {
        const s = tf.add(tf.mul(slots[0]!, spec.decay), tf.mul(tf.square(g), 1 - spec.decay));
        slots[0]!.assign(s);
        return tf.sub(w, tf.mul(tf.div(g, tf.add(tf.sqrt(s), spec.epsilon)), lr));
      }
      case 'adam':
      case 'adamw': {
        const m = tf.add(tf.mul(slots[0]!, spec.beta1), tf.mul(g, 1 - spec.beta1));
        const v = tf.add(tf.mul(slots[1]!, spec.beta2), tf.mul(tf.square(g), 1 - spec.beta2));
        slots[0]!.assign(m);
        slots[1]!.assign(v);
        const mHat = tf.div(m, 1 - spec.beta1 ** t);
        const vHat = tf.div(v, 1 - spec.beta2 ** t);
        let direction: Tensor = tf.div(mHat, tf.add(tf.sqrt(vHat), spec.epsilon));
        if (spec.name === 'adamw' && spec.weightDecay > 0) direction = tf.add(direction, tf.mul(w, spec.weightDecay));
        return tf.sub(w, tf.mul(direction, lr));
      }
    }
  };

  return {
    spec,
    get iterations() {
      return iterations;
    },
    applyGradients(grads, learningRate = spec.learningRate) {
      iterations++;
      const t = iterations;
      const registered = tf.engine().registeredVariables;
      const fused = hasFusedOptimizerUpdate(tf);
      for (const [name, g] of Object.entries(grads)) {
        const w = registered[name];
        if (!w) throw new Error(`optimizer: no variable named '${name}'`);
        const factor = lrFactors.get(name);
        const lr = factor === undefined ? learningRate : learningRate * factor;
        tf.tidy(() => {
          if (fused && w.dtype === 'float32' && g.dtype === 'float32') {
            const slots = slotsOf(w);
            const [next, ...nextSlots] = runFusedOptimizerUpdate(tf, w, g, slots, fusedParams(spec, lr, t));
            slots.forEach((slot, k) => slot.assign(nextSlots[k]!));
            w.assign(next!);
          } else {
            w.assign(update(w, g, lr, t));
          }
        });
      }
    },
    dispose() {
      for (const slots of state.values()) for (const s of slots) s.dispose();
      state.clear();
    },
  };
}

/** The fused kernel's parameters for one step (unused hyper-parameters 0). */
function fusedParams(spec: OptimizerSpec, learningRate: number, step: number): RuleParams {
  const params: RuleParams = {
    rule: spec.name,
    learningRate,
    step,
    momentum: 0,
    nesterov: false,
    epsilon: 0,
    decay: 0,
    beta1: 0,
    beta2: 0,
    weightDecay: 0,
  };
  switch (spec.name) {
    case 'sgd':
      return params;
    case 'momentum':
      return { ...params, momentum: spec.momentum, nesterov: spec.nesterov };
    case 'adagrad':
      return { ...params, epsilon: spec.epsilon };
    case 'rmsprop':
      return { ...params, decay: spec.decay, epsilon: spec.epsilon };
    case 'adam':
      return { ...params, beta1: spec.beta1, beta2: spec.beta2, epsilon: spec.epsilon };
    case 'adamw':
      return { ...params, beta1: spec.beta1, beta2: spec.beta2, epsilon: spec.epsilon, weightDecay: spec.weightDecay };
  }
}

/** Frees an optimizer's state (kept for callers of the earlier tfjs-based API). */
export function disposeOptimizer(optimizer: Optimizer): void {
  optimizer.dispose();
}
