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

/** Input names: the variable, its gradient, then one per slot (`slot0`, `slot1`). */
const slotInput = (k: number): string => `slot${k}`;

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
 * float32 of any shape; attrs: {@link OptimizerUpdateAttrs}. Outputs, all NEW buffers of w's shape:
 * [new w, new slot0, new slot1] (inputs are never written: tf.clone shares buffers). Formulas and
 * float32 rounding are those of the tf-op path in engine/optimizers.ts (see optimizer-rules.ts).
 * @param kernelOf resolves stock kernels (unused here; KernelScope's contract)
 */
export function optimizerUpdateHeap(kernelOf: (name: string) => KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs = {} } = args as KernelArgs;
    const params = readParams(attrs);
    const count = SLOT_COUNT[params.rule];
    const wInfo = inputs.w as Info | undefined;
    const gInfo = inputs.g as Info | undefined;
    const slotInfos = Array.from({ length: count }, (_, k) => inputs[slotInput(k)] as Info | undefined);
    const size = (x: Info) => x.shape.reduce((a, b) => a * b, 1);
    for (const [name, x] of [['w', wInfo], ['g', gInfo], ...slotInfos.map((s, k) => [slotInput(k), s] as const)] as const) {
      if (!x) throw new Error(`${OPTIMIZER_UPDATE_KERNEL}: rule '${params.rule}' needs input '${name}'`);
      if (x.dtype !== 'float32') throw new Error(`${OPTIMIZER_UPDATE_KERNEL}: input '${name}' must be float32, got ${x.dtype}`);
      if (size(x) !== size(wInfo!))
        throw new Error(`${OPTIMIZER_UPDATE_KERNEL}: input '${name}' has shape [${x.shape.join(', ')}], w has [${wInfo!.shape.join(', ')}]`);
    }
    const scope = new KernelScope(backend, kernelOf);
    try {
      const outInfos = Array.from({ length: count + 1 }, () => scope.alloc([...wInfo!.shape]));
      // Views only after the last allocation (an allocation may grow the heap and detach views).
      const [wOut, ...slotsOut] = outInfos.map((o) => scope.view(o));
      const arrays = { w: scope.view(wInfo!), g: scope.view(gInfo!), slots: slotInfos.map((s) => scope.view(s!)), wOut: wOut!, slotsOut };
      applyRuleOnHeap(params, arrays, heapMemoryOf(backend));
      return outInfos.map((o) => scope.keep(o));
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
  const inputs: NamedTensorMap = { w, g };
  slots.forEach((s, k) => (inputs[slotInput(k)] = s));
  const out = tf.engine().runKernel<Tensor[]>(OPTIMIZER_UPDATE_KERNEL, inputs, attrs as OptimizerUpdateAttrs);
  return Array.isArray(out) ? out : [out];
}
