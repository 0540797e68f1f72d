import { applyRule, SLOT_COUNT, type RuleArrays, type RuleParams } from './optimizer-rules.js';
import { assembleModule, modulePerHeap, op, type Code, type LoopFunction, type WasmMemory } from './wasm-simd-assembler.js';

/**
 * The optimizer rules of optimizer-rules.ts as WebAssembly SIMD loops (four float32 lanes per
 * instruction) over the tfjs wasm heap: the same float32 operations in the same order as the tf-op
 * path (each f32x4 op rounds like the stock kernels), so results agree bit for bit, at a fraction
 * of the cost of the JavaScript loop (which emulates float32 with Math.fround) — see
 * {@link applyRuleOnHeap}.
 */

/** i32 parameters: byte offsets of w, g, slot0, slot1, new w, new slot0, new slot1. */
const [W, G, S0, S1, W_OUT, S0_OUT, S1_OUT] = [0, 1, 2, 3, 4, 5, 6];
/** f32 parameters, in the order of {@link ruleScalars}. */
const [LR, EPS, A, ONE_MINUS_A, B, ONE_MINUS_B, CORRECTION1, CORRECTION2, LAMBDA] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const SCALARS = 9;
const TEMPORARIES = 3;

/** The f32 parameters: η, ε, then μ | ρ | β₁ and 1 − it, β₂ and 1 − β₂, 1 − β₁ᵗ, 1 − β₂ᵗ, λ (computed in float64, rounded to float32 on the call as tfjs rounds scalars). */
function ruleScalars(p: RuleParams): number[] {
  const a = p.rule === 'momentum' ? p.momentum : p.rule === 'rmsprop' ? p.decay : p.beta1;
  return [p.learningRate, p.epsilon, a, 1 - a, p.beta2, 1 - p.beta2, 1 - p.beta1 ** p.step, 1 - p.beta2 ** p.step, p.weightDecay];
}

/** The loop bodies; `c(k)` is scalar k splatted, `t(k)` temporary vector k, `at(p)` the lanes of array p. */
type Body = (x: { at: (pointer: number) => Code; put: (pointer: number, v: Code) => Code; c: (k: number) => Code; t: (k: number) => number }) => Code;

const BODIES: Record<string, Body> = {
  sgd: ({ at, put, c }) => put(W_OUT, op.sub(at(W), op.mul(at(G), c(LR)))),
  momentum: ({ at, put, c, t }) => [
    ...op.set(t(0), op.add(op.mul(at(S0), c(A)), at(G))),
    ...put(S0_OUT, op.get(t(0))),
    ...put(W_OUT, op.sub(at(W), op.mul(op.get(t(0)), c(LR)))),
  ],
  nesterov: ({ at, put, c, t }) => [
    ...op.set(t(0), op.add(op.mul(at(S0), c(A)), at(G))),
    ...put(S0_OUT, op.get(t(0))),
    ...put(W_OUT, op.sub(at(W), op.mul(op.add(at(G), op.mul(op.get(t(0)), c(A))), c(LR)))),
  ],
  adagrad: (x) => scaledByRootMeanSquare(x, (g2) => op.add(x.at(S0), g2)),
  rmsprop: (x) => scaledByRootMeanSquare(x, (g2) => op.add(op.mul(x.at(S0), x.c(A)), op.mul(g2, x.c(ONE_MINUS_A)))),
  adam: (x) => adam(x, false),
  adamw: (x) => adam(x, true),
};

/** adagrad / rmsprop: s ← next(g²); w ← w − η·g/(√s + ε). */
function scaledByRootMeanSquare({ at, put, c, t }: Parameters<Body>[0], next: (g2: Code) => Code): Code {
  return [
    ...op.set(t(0), at(G)),
    ...op.set(t(1), next(op.mul(op.get(t(0)), op.get(t(0))))),
    ...put(S0_OUT, op.get(t(1))),
    ...put(W_OUT, op.sub(at(W), op.mul(op.div(op.get(t(0)), op.add(op.sqrt(op.get(t(1))), c(EPS))), c(LR)))),
  ];
}

/** adam(w): m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; d = (m/c₁)/(√(v/c₂) + ε) [+ λw]; w ← w − η·d. */
function adam({ at, put, c, t }: Parameters<Body>[0], decoupled: boolean): Code {
  const [g, m, v] = [t(0), t(1), t(2)];
  let direction = op.div(op.div(op.get(m), c(CORRECTION1)), op.add(op.sqrt(op.div(op.get(v), c(CORRECTION2))), c(EPS)));
  if (decoupled) direction = op.add(direction, op.mul(at(W), c(LAMBDA)));
  return [
    ...op.set(g, at(G)),
    ...op.set(m, op.add(op.mul(at(S0), c(A)), op.mul(op.get(g), c(ONE_MINUS_A)))),
    ...op.set(v, op.add(op.mul(at(S1), c(B)), op.mul(op.mul(op.get(g), op.get(g)), c(ONE_MINUS_B)))),
    ...put(S0_OUT, op.get(m)),
    ...put(S1_OUT, op.get(v)),
    ...put(W_OUT, op.sub(at(W), op.mul(direction, c(LR)))),
  ];
}

const LOOPS: LoopFunction[] = Object.entries(BODIES).map(([name, body]) => ({
  name,
  pointers: 7,
  scalars: SCALARS,
  vectors: SCALARS + TEMPORARIES,
  emit: ({ offsetLocal, firstVector, scalar }) => ({
    setup: Array.from({ length: SCALARS }, (_, k) => op.set(firstVector + k, op.splat(scalar(k)))).flat(),
    body: body({
      at: (pointer) => op.load(pointer, offsetLocal),
      put: (pointer, v) => op.store(pointer, offsetLocal, v),
      c: (k) => op.get(firstVector + k),
      t: (k) => firstVector + SCALARS + k,
    }),
  }),
}));

type Loop = (...args: number[]) => void;
/** Compiled loops per heap (null where SIMD is unavailable: the JavaScript loop runs instead). */
const loopsFor = modulePerHeap(() => assembleModule(LOOPS)) as (memory: WasmMemory) => Record<string, Loop> | null;

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
