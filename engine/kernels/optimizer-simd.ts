import { applyRule, SLOT_COUNT, type RuleArrays, type RuleParams } from './optimizer-rules.js';
import { modulePerHeap, type WasmMemory } from './heap-module.js';

/**
 * The optimizer rules of optimizer-rules.ts as WebAssembly SIMD loops (engine/kernels/wat/optimizer.wat;
 * four float32 lanes per instruction) over the tfjs wasm heap: the same float32 operations in the same order as the tf-op
 * path (each f32x4 op rounds like the stock kernels), so results agree bit for bit, at a fraction
 * of the cost of the JavaScript loop (which emulates float32 with Math.fround) — see
 * {@link applyRuleOnHeap}.
 */

/** The f32 parameters: η, ε, then μ | ρ | β₁ and 1 − it, β₂ and 1 − β₂, 1 − β₁ᵗ, 1 − β₂ᵗ, λ (computed in float64, rounded to float32 on the call as tfjs rounds scalars). */
function ruleScalars(p: RuleParams): number[] {
  const a = p.rule === 'momentum' ? p.momentum : p.rule === 'rmsprop' ? p.decay : p.beta1;
  return [p.learningRate, p.epsilon, a, 1 - a, p.beta2, 1 - p.beta2, 1 - p.beta1 ** p.step, 1 - p.beta2 ** p.step, p.weightDecay];
}

type Loop = (...args: number[]) => void;
/** Compiled loops per heap (null where SIMD is unavailable: the JavaScript loop runs instead). */
const loopsFor = modulePerHeap('optimizer') as (memory: WasmMemory) => Record<string, Loop> | null;

/**
 * Applies rule `p` to arrays that are views of `memory` (the wasm heap): the SIMD loop for the
 * first 4·⌊n/4⌋ elements and the JavaScript loop for the rest; the JavaScript loop for everything
 * when `memory` is not theirs or SIMD is unavailable. Same results either way.
 */
export function applyRuleOnHeap(p: RuleParams, a: RuleArrays, memory: WasmMemory | undefined): void {
  const all = [a.w, a.g, ...a.slots, a.wOut, ...a.slotsOut];
  const loops = memory && all.every((x) => x.buffer === memory.buffer) ? loopsFor(memory) : null;
  const n = a.w.length;
  const vectorised = loops ? n - (n % 4) : 0;
  if (loops && vectorised > 0) {
    const name = p.rule === 'momentum' && p.nesterov ? 'nesterov' : p.rule === 'adamw' && !(p.weightDecay > 0) ? 'adam' : p.rule;
    const pointer = (x: Float32Array | undefined) => x?.byteOffset ?? 0;
    const pointers = [a.w, a.g, a.slots[0], a.slots[1], a.wOut, a.slotsOut[0], a.slotsOut[1]].map(pointer);
    if (SLOT_COUNT[p.rule] !== a.slots.length) throw new Error(`optimizer update: rule '${p.rule}' takes ${SLOT_COUNT[p.rule]} slots, got ${a.slots.length}`);
    (loops[name] as Loop)(...pointers, vectorised * 4, ...ruleScalars(p));
  }
  if (vectorised === n) return;
  const rest = (x: Float32Array) => x.subarray(vectorised);
  applyRule(p, { w: rest(a.w), g: rest(a.g), slots: a.slots.map(rest), wOut: rest(a.wOut), slotsOut: a.slotsOut.map(rest) });
}
