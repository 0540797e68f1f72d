import type { KernelFunc, NamedAttrMap, NamedTensorMap } from '@tensorflow/tfjs';
import type { Tensor, TF } from '../tf.js';
import { OPTIMIZER_RULES, SLOT_COUNT, type OptimizerRule, type RuleParams } from './optimizer-rules.js';
import { applyRuleOnHeap } from './optimizer-simd.js';
import { heapMemoryOf } from './heap-module.js';
import { KernelScope, type Info, type KernelArgs } from './wasm-kernel-call.js';

/** Name of the fused optimizer-update kernel (registered for wasm only; stock tfjs has none). */
export const OPTIMIZER_UPDATE_KERNEL = 'InitScopeOptimizerUpdate';

/** The kernel's attributes: {@link RuleParams} as a tfjs attribute map. */
export type OptimizerUpdateAttrs = RuleParams & NamedAttrMap;

/**
 * Input names of variable `v` of a call: the variable, its gradient, then one per slot — `w`, `g`,
 * `slot0`, `slot1` for the first, `w.1`, `g.1`, `slot0.1`, … for the next ones (attr `variables`).
 */
const inputName = (base: string, v: number): string => (v === 0 ? base : `${base}.${v}`);
const slotInput = (k: number, v = 0): string => inputName(`slot${k}`, v);

/** Checks and reads the attributes. @throws Error naming the bad attribute */
function readParams(attrs: NamedAttrMap): RuleParams {
  const rule = attrs.rule as OptimizerRule;
  if (!OPTIMIZER_RULES.includes(rule))
    throw new Error(`${OPTIMIZER_UPDATE_KERNEL}: attr 'rule' must be one of ${OPTIMIZER_RULES.join(', ')}, got '${String(rule)}'`);
  const numeric = ['learningRate', 'step', 'momentum', 'epsilon', 'decay', 'beta1', 'beta2', 'weightDecay'] as const;
  for (const key of numeric) {
    if (typeof attrs[key] !== 'number' || !Number.isFinite(attrs[key])) {
      throw new Error(`${OPTIMIZER_UPDATE_KERNEL}: attr '${key}' must be a finite number, got ${String(attrs[key])}`);
    }
  }
  return { ...(attrs as OptimizerUpdateAttrs), nesterov: attrs.nesterov === true };
}

/**
 * The fused optimizer update for the wasm backend: one JavaScript pass over the wasm heap per
 * variable instead of ~10 tf kernels (each with its own allocation), as WebAssembly SIMD on the
 * backend's heap (optimizer-simd.ts; a JavaScript loop where that is unavailable). Inputs: `w` (the variable),
 * `g` (its gradient, same size) and `slot0`/`slot1` (the rule's accumulators, see SLOT_COUNT), all
 * float32 of any shape; with attr `variables` = V > 1, V such groups in one call (`w.1`, `g.1`,
 * `slot0.1`, … see inputName), all with the same rule and learning rate: one kernel dispatch for a
 * whole model. attrs: {@link OptimizerUpdateAttrs}. Outputs, all NEW buffers of their w's shape: per
 * variable in order [new w, new slot0, new slot1] (inputs are never written: tf.clone shares buffers).
 * Formulas and float32 rounding are those of the tf-op path in engine/optimizers.ts (see
 * optimizer-rules.ts); each variable's update is the same whether it runs alone or in a group.
 * @param kernelOf resolves stock kernels (unused here; KernelScope's contract)
 */
export function optimizerUpdateHeap(kernelOf: (name: string) => KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs = {} } = args as KernelArgs;
    const params = readParams(attrs);
    const count = SLOT_COUNT[params.rule];
    const variables = attrs.variables ?? 1;
    if (typeof variables !== 'number' || !Number.isInteger(variables) || variables < 1)
      throw new Error(`${OPTIMIZER_UPDATE_KERNEL}: attr 'variables' must be a positive integer, got ${String(variables)}`);
    const size = (x: Info) => x.shape.reduce((a, b) => a * b, 1);
    const groups = Array.from({ length: variables }, (_, v) => {
      const w = inputs[inputName('w', v)] as Info | undefined;
      const g = inputs[inputName('g', v)] as Info | undefined;
      const slots = Array.from({ length: count }, (_, k) => inputs[slotInput(k, v)] as Info | undefined);
      const named = [[inputName('w', v), w], [inputName('g', v), g], ...slots.map((x, k) => [slotInput(k, v), x] as const)] as const;
      for (const [name, x] of named) {
        if (!x) throw new Error(`${OPTIMIZER_UPDATE_KERNEL}: rule '${params.rule}' needs input '${name}'`);
        if (x.dtype !== 'float32') throw new Error(`${OPTIMIZER_UPDATE_KERNEL}: input '${name}' must be float32, got ${x.dtype}`);
        if (size(x) !== size(w!))
          throw new Error(`${OPTIMIZER_UPDATE_KERNEL}: input '${name}' has shape [${x.shape.join(', ')}], w has [${w!.shape.join(', ')}]`);
      }
      return { w: w!, g: g!, slots: slots as Info[] };
    });
    const scope = new KernelScope(backend, kernelOf);
    try {
      const outInfos = groups.map((x) => Array.from({ length: count + 1 }, () => scope.alloc([...x.w.shape])));
      // Views only after the last allocation (an allocation may grow the heap and detach views).
      const memory = heapMemoryOf(backend);
      groups.forEach((x, v) => {
        const [wOut, ...slotsOut] = outInfos[v]!.map((o) => scope.view(o));
        applyRuleOnHeap(params, { w: scope.view(x.w), g: scope.view(x.g), slots: x.slots.map((s) => scope.view(s)), wOut: wOut!, slotsOut }, memory);
      });
      return outInfos.flat().map((o) => scope.keep(o));
    } finally {
      scope.dispose();
    }
  };
}

/** True when the active backend has the fused optimizer-update kernel (patched wasm). */
export function hasFusedOptimizerUpdate(tf: TF): boolean {
  return tf.getKernel(OPTIMIZER_UPDATE_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * Runs the fused update through the engine (tf.engine().runKernel, so tfjs tracks the outputs).
 * @param w the variable's current value (float32, any shape)
 * @param g its gradient (w's shape)
 * @param slots the rule's accumulators (w's shape each; SLOT_COUNT[attrs.rule] of them)
 * @returns new tensors of w's shape: [new w, ...new slots]; the caller assigns and frees them
 * @throws Error if the active backend lacks the kernel (check {@link hasFusedOptimizerUpdate})
 */
export function runFusedOptimizerUpdate(tf: TF, w: Tensor, g: Tensor, slots: readonly Tensor[], attrs: RuleParams): Tensor[] {
  return runFusedOptimizerUpdates(tf, [{ w, g, slots }], attrs)[0]!;
}

/** One variable of {@link runFusedOptimizerUpdates}: its value, gradient and the rule's accumulators. */
export interface FusedUpdateInput {
  w: Tensor;
  g: Tensor;
  slots: readonly Tensor[];
}

/**
 * The fused update of several variables (same rule, learning rate and step) in ONE kernel call: per
 * variable the same values as {@link runFusedOptimizerUpdate}, with one engine dispatch in all.
 * @param updates float32 variables with their gradients and slots (each of its w's shape)
 * @returns per variable, new tensors [new w, ...new slots]; the caller assigns and frees them
 * @throws Error if the active backend lacks the kernel (check {@link hasFusedOptimizerUpdate})
 */
export function runFusedOptimizerUpdates(tf: TF, updates: readonly FusedUpdateInput[], attrs: RuleParams): Tensor[][] {
  if (updates.length === 0) return [];
  const inputs: NamedTensorMap = {};
  updates.forEach((u, v) => {
    inputs[inputName('w', v)] = u.w;
    inputs[inputName('g', v)] = u.g;
    u.slots.forEach((s, k) => (inputs[slotInput(k, v)] = s));
  });
  const out = tf.engine().runKernel<Tensor[]>(OPTIMIZER_UPDATE_KERNEL, inputs, { ...attrs, variables: updates.length } as OptimizerUpdateAttrs);
  const flat = Array.isArray(out) ? out : [out];
  const per = SLOT_COUNT[attrs.rule] + 1;
  return updates.map((_, v) => flat.slice(v * per, (v + 1) * per));
}
