import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptimizerSpec } from '../../../../contract/index.js';
import { registerWasmKernels, unregisterWasmKernels } from '../../../../engine/kernels/index.js';
import { applyRule, type RuleParams } from '../../../../engine/kernels/optimizer-rules.js';
import { applyRuleOnHeap } from '../../../../engine/kernels/optimizer-simd.js';
import { hasFusedOptimizerUpdate, OPTIMIZER_UPDATE_KERNEL } from '../../../../engine/kernels/optimizer-update.js';
import { heapMemoryOf } from '../../../../engine/kernels/heap-module.js';
import { createOptimizer } from '../../../../engine/optimizers.js';
import type { Tensor, TF } from '../../../../engine/tf.js';
import { getBackend } from '../helpers.js';
import { maxRelError, onCpu, values, wasmBuffers, wasmTf } from './backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});
afterAll(() => registerWasmKernels(tf));

/** Every rule, with hyper-parameters away from the defaults. */
const SPECS: Record<string, Record<string, unknown>> = {
  sgd: { name: 'sgd', learningRate: 0.1 },
  momentum: { name: 'momentum', learningRate: 0.05, momentum: 0.8 },
  nesterov: { name: 'momentum', learningRate: 0.05, momentum: 0.7, nesterov: true },
  adagrad: { name: 'adagrad', learningRate: 0.3, initialAccumulator: 0.2, epsilon: 1e-6 },
  rmsprop: { name: 'rmsprop', learningRate: 0.01, decay: 0.85, epsilon: 1e-6 },
  adam: { name: 'adam', learningRate: 0.02, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 },
  adamw: { name: 'adamw', learningRate: 0.02, beta1: 0.85, beta2: 0.995, epsilon: 1e-7, weightDecay: 0.05 },
};
/** A few thousand elements (SIMD body), an odd size (SIMD + tail) and one smaller than a SIMD group plus a 3-D kernel. */
const SHAPES = [[61, 53], [7], [3, 5, 2], [3]];
/** Learning rate of each of the five steps, as a multiple of the spec's. */
const RATE_FACTORS = [1, 0.5, 2, 0.25, 1.5];

interface Trajectory {
  weights: number[][];
  slots: number[][];
  /** Kernels the first applyGradients ran. */
  kernels: string[];
}

/** Five optimizer steps on seeded variables and gradients; checks tensor and buffer counts on the way. */
async function fiveSteps(label: string, raw: Record<string, unknown>): Promise<Trajectory> {
  const spec = OptimizerSpec.parse(raw);
  const tensors0 = tf.memory().numTensors;
  const buffers0 = tf.getBackend() === 'wasm' ? wasmBuffers(tf) : 0;
  const vars = SHAPES.map((shape, i) =>
    tf.tidy(() => tf.variable(tf.tensor(values(size(shape), 11 + i), shape), true, `opt-fused-${label}-${i}-${tf.getBackend()}`)),
  );
  const known = new Set(Object.keys(tf.engine().registeredVariables));
  const opt = createOptimizer(tf, spec);
  let kernels: string[] = [];
  let afterFirst = { tensors: 0, buffers: 0 };
  try {
    for (const [k, factor] of RATE_FACTORS.entries()) {
      const grads: Record<string, Tensor> = {};
      vars.forEach((v, i) => (grads[v.name] = tf.tensor(values(v.size, 101 + 10 * k + i), v.shape)));
      const apply = () => opt.applyGradients(grads, spec.learningRate * factor);
      if (k === 0) kernels = (await tf.profile(apply)).kernelNames;
      else apply();
      for (const g of Object.values(grads)) g.dispose();
      const now = { tensors: tf.memory().numTensors, buffers: tf.getBackend() === 'wasm' ? wasmBuffers(tf) : 0 };
      if (k === 0) afterFirst = now;
      else expect(now, `${label}: step ${k + 1} leaked`).toEqual(afterFirst);
    }
    const slotVars = Object.entries(tf.engine().registeredVariables)
      .filter(([name]) => !known.has(name))
      .map(([, v]) => v);
    const slotCount = { sgd: 0, momentum: 1, adagrad: 1, rmsprop: 1, adam: 2, adamw: 2 }[spec.name] * SHAPES.length;
    expect(slotVars).toHaveLength(slotCount);
    expect(afterFirst.tensors - tensors0).toBe(SHAPES.length + slotCount);
    return {
      weights: vars.map((v) => Array.from(v.dataSync())),
      slots: slotVars.map((v) => Array.from(v.dataSync())),
      kernels,
    };
  } finally {
    opt.dispose();
    for (const v of vars) v.dispose();
    expect(tf.memory().numTensors, `${label}: tensors after dispose`).toBe(tensors0);
    if (tf.getBackend() === 'wasm') expect(wasmBuffers(tf), `${label}: wasm buffers after dispose`).toBe(buffers0);
  }
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The same steps with the tf-op path: the fused kernel unregistered (stock wasm). */
async function fiveStepsWithTfOps(label: string, raw: Record<string, unknown>): Promise<Trajectory> {
  unregisterWasmKernels(tf);
  try {
    expect(hasFusedOptimizerUpdate(tf)).toBe(false);
    return await fiveSteps(label, raw);
  } finally {
    registerWasmKernels(tf);
  }
}

describe(`${OPTIMIZER_UPDATE_KERNEL} (fused optimizer update on wasm)`, () => {
  it('is what the float64-reference tests of optimizers.test.ts run on (helpers.getBackend is patched wasm)', async () => {
    const reference = await getBackend();
    expect(reference.backend).toBe('wasm');
    expect(hasFusedOptimizerUpdate(reference.tf)).toBe(true);
  });

  for (const [label, raw] of Object.entries(SPECS)) {
    it(`${label}: five steps with varying learning rate equal the tf-op path (weights and slots), without leaks`, async () => {
      const fused = await fiveSteps(label, raw);
      const ops = await fiveStepsWithTfOps(label, raw);
      // The first step also fills the new slots.
      expect(fused.kernels.filter((k) => k !== 'Fill')).toEqual([OPTIMIZER_UPDATE_KERNEL]);
      expect(ops.kernels).not.toContain(OPTIMIZER_UPDATE_KERNEL);
      expect(fused.slots).toHaveLength(ops.slots.length);
      // Same float32 operations in the same order as the stock kernels, so equal bit for bit (far inside
      // the 1e-6 asked for; a looser bound let an ε moved inside the square root pass for adagrad).
      fused.weights.forEach((w, i) => {
        expect(maxRelError(w, ops.weights[i]!), `${label} weights of shape [${SHAPES[i]}]`).toBe(0);
        // The update moved the weights (a test that compares two unchanged copies cannot fail).
        expect(maxRelError(w, values(w.length, 11 + i)), `${label} weights moved`).toBeGreaterThan(1e-4);
      });
      fused.slots.forEach((s, i) => expect(maxRelError(s, ops.slots[i]!), `${label} slot ${i}`).toBe(0));
    });
  }

  it('adamw on the cpu backend (no fused kernel there) equals fused wasm', async () => {
    const fused = await fiveSteps('cpu-pair', SPECS.adamw!);
    const cpu = await onCpu(tf, async () => {
      expect(hasFusedOptimizerUpdate(tf)).toBe(false);
      return fiveSteps('cpu-pair', SPECS.adamw!);
    });
    expect(cpu.kernels).not.toContain(OPTIMIZER_UPDATE_KERNEL);
    fused.weights.forEach((w, i) => expect(maxRelError(w, cpu.weights[i]!)).toBeLessThanOrEqual(1e-6));
    fused.slots.forEach((s, i) => expect(maxRelError(s, cpu.slots[i]!)).toBeLessThanOrEqual(1e-6));
  });

  it('adam on 4,099 elements: three fused steps equal a float64 implementation of the paper', () => {
    const n = 4099;
    const w0 = values(n, 5);
    const w = tf.tidy(() => tf.variable(tf.tensor1d(w0), true, 'opt-fused-f64'));
    const opt = createOptimizer(tf, OptimizerSpec.parse({ name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }));
    const expected = Array.from(w0);
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    try {
      [0.01, 0.004, 0.02].forEach((lr, k) => {
        const g = values(n, 300 + k);
        const gt = tf.tensor1d(g);
        opt.applyGradients({ [w.name]: gt }, lr);
        gt.dispose();
        const t = k + 1;
        for (let i = 0; i < n; i++) {
          m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
          v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
          expected[i] = expected[i]! - (lr * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-7);
        }
      });
      expect(maxRelError(w.dataSync(), expected)).toBeLessThan(1e-5);
    } finally {
      opt.dispose();
      w.dispose();
    }
  });

  it('the SIMD loop and the JavaScript loop (used without SIMD, and for tails) agree bit for bit, every rule', () => {
    const n = 1030;
    const rules: RuleParams[] = Object.values(SPECS).map((raw) => {
      const s = OptimizerSpec.parse(raw) as Record<string, unknown> & OptimizerSpec;
      return {
        rule: s.name,
        learningRate: s.learningRate * 0.7,
        step: 4,
        momentum: Number(s.momentum ?? 0),
        nesterov: s.nesterov === true,
        epsilon: Number(s.epsilon ?? 0),
        decay: Number(s.decay ?? 0),
        beta1: Number(s.beta1 ?? 0),
        beta2: Number(s.beta2 ?? 0),
        weightDecay: Number(s.weightDecay ?? 0),
      };
    });
    const backend = tf.backend();
    const memory = heapMemoryOf(backend);
    expect(memory, 'the wasm heap is reachable (else only the JavaScript loop runs)').toBeDefined();
    for (const p of rules) {
      const slots = { sgd: 0, momentum: 1, adagrad: 1, rmsprop: 1, adam: 2, adamw: 2 }[p.rule];
      // Inputs: w, g, slots (non-negative where they are squared sums); outputs after them.
      const inputs = [values(n, 1), values(n, 2), ...Array.from({ length: slots }, (_, k) => values(n, 3 + k).map(Math.abs))];
      const outputs = inputs.length - 1; // new w and slots
      const heap = tf.tidy(() => [...inputs, ...inputs.slice(1).map(() => new Float32Array(n))].map((a) => tf.keep(tf.tensor1d(a))));
      try {
        const views = heap.map((t) => (backend as unknown as { typedArrayFromHeap(t: Tensor): Float32Array }).typedArrayFromHeap(t));
        const out = (k: number) => views[inputs.length + k]!;
        applyRuleOnHeap(
          p,
          { w: views[0]!, g: views[1]!, slots: views.slice(2, inputs.length), wOut: out(0), slotsOut: views.slice(inputs.length + 1) },
          memory,
        );
        const js = Array.from({ length: outputs }, () => new Float32Array(n));
        applyRule(p, { w: inputs[0]!, g: inputs[1]!, slots: inputs.slice(2), wOut: js[0]!, slotsOut: js.slice(1) });
        js.forEach((a, k) => expect(Array.from(out(k)), `${p.rule}${p.nesterov ? ' (nesterov)' : ''} output ${k}`).toEqual(Array.from(a)));
      } finally {
        for (const t of heap) t.dispose();
      }
    }
  });
});
