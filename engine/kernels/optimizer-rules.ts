/**
 * The element-wise optimizer update rules of engine/optimizers.ts as single passes over float32
 * arrays (views of the wasm heap in the fused kernel). Every intermediate is rounded to float32
 * (Math.fround) in the order the tf-op path computes it — one rounding per tf op, scalars rounded
 * to float32 as tfjs does — so the results equal the tf-op path's to float32 rounding (in practice
 * bit for bit). Inputs are only read; outputs are separate arrays.
 */

/** Update rules; 'momentum' covers Nesterov through {@link RuleParams.nesterov}. */
export const OPTIMIZER_RULES = ['sgd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamw'] as const;
export type OptimizerRule = (typeof OPTIMIZER_RULES)[number];

/** Accumulators (slots) each rule reads and rewrites, in order: momentum v; adagrad G; rmsprop s; adam m, v. */
export const SLOT_COUNT: Readonly<Record<OptimizerRule, number>> = { sgd: 0, momentum: 1, adagrad: 1, rmsprop: 1, adam: 2, adamw: 2 };

/** Hyper-parameters of one update; those a rule does not use are ignored. */
export interface RuleParams {
  rule: OptimizerRule;
  /** η (per step). */
  learningRate: number;
  /** t, from 1 (adam's bias correction). */
  step: number;
  /** μ (momentum). */
  momentum: number;
  nesterov: boolean;
  /** ε (adagrad, rmsprop, adam), added outside the square root. */
  epsilon: number;
  /** ρ (rmsprop). */
  decay: number;
  beta1: number;
  beta2: number;
  /** λ (adamw; no decay term when 0). */
  weightDecay: number;
}

/** Arrays of one variable: w, g and the slots in; the new w and slots out (same length, distinct from the inputs). */
export interface RuleArrays {
  w: Float32Array;
  g: Float32Array;
  slots: Float32Array[];
  wOut: Float32Array;
  slotsOut: Float32Array[];
}

const f = Math.fround;

/**
 * Applies rule `p.rule` to every element: reads a.w, a.g, a.slots; writes a.wOut and a.slotsOut.
 * @throws Error if the slot count is not the rule's
 */
export function applyRule(p: RuleParams, a: RuleArrays): void {
  const expected = SLOT_COUNT[p.rule];
  if (expected === undefined) throw new Error(`optimizer update: unknown rule '${String(p.rule)}'`);
  if (a.slots.length !== expected || a.slotsOut.length !== expected) {
    throw new Error(`optimizer update: rule '${p.rule}' takes ${expected} slots, got ${a.slots.length} in and ${a.slotsOut.length} out`);
  }
  const { w, g, wOut } = a;
  const n = w.length;
  const lr = f(p.learningRate);
  switch (p.rule) {
    case 'sgd':
      for (let i = 0; i < n; i++) wOut[i] = f((w[i] as number) - f((g[i] as number) * lr));
      return;
    case 'momentum': {
      const [v, vOut] = [a.slots[0]!, a.slotsOut[0]!];
      const mu = f(p.momentum);
      for (let i = 0; i < n; i++) {
        const gi = g[i] as number;
        const vi = f(f((v[i] as number) * mu) + gi);
        vOut[i] = vi;
        const direction = p.nesterov ? f(gi + f(vi * mu)) : vi;
        wOut[i] = f((w[i] as number) - f(direction * lr));
      }
      return;
    }
    case 'adagrad':
    case 'rmsprop': {
      const [s, sOut] = [a.slots[0]!, a.slotsOut[0]!];
      const eps = f(p.epsilon);
      const adagrad = p.rule === 'adagrad';
      const rho = f(p.decay);
      const oneMinusRho = f(1 - p.decay);
      for (let i = 0; i < n; i++) {
        const gi = g[i] as number;
        const g2 = f(gi * gi);
        const si = adagrad ? f((s[i] as number) + g2) : f(f((s[i] as number) * rho) + f(g2 * oneMinusRho));
        sOut[i] = si;
        wOut[i] = f((w[i] as number) - f(f(gi / f(f(Math.sqrt(si)) + eps)) * lr));
      }
      return;
    }
    case 'adam':
    case 'adamw': {
      const [m, v, mOut, vOut] = [a.slots[0]!, a.slots[1]!, a.slotsOut[0]!, a.slotsOut[1]!];
      const b1 = f(p.beta1);
      const b2 = f(p.beta2);
      const oneMinusB1 = f(1 - p.beta1);
      const oneMinusB2 = f(1 - p.beta2);
      const correction1 = f(1 - p.beta1 ** p.step);
      const correction2 = f(1 - p.beta2 ** p.step);
      const eps = f(p.epsilon);
      const decoupled = p.rule === 'adamw' && p.weightDecay > 0;
      const lambda = f(p.weightDecay);
      for (let i = 0; i < n; i++) {
        const gi = g[i] as number;
        const wi = w[i] as number;
        const mi = f(f((m[i] as number) * b1) + f(gi * oneMinusB1));
        const vi = f(f((v[i] as number) * b2) + f(f(gi * gi) * oneMinusB2));
        mOut[i] = mi;
        vOut[i] = vi;
        const vHat = f(vi / correction2);
        let direction = f(f(mi / correction1) / f(f(Math.sqrt(vHat)) + eps));
        if (decoupled) direction = f(direction + f(wi * lambda));
        wOut[i] = f(wi - f(direction * lr));
      }
      return;
    }
  }
}
