import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NetworkSpec, type InitializerSpec, type JacobianStage } from '../../../contract/index.js';
import { jacobianStage, singularValues } from '../../../engine/lab/jacobian.js';
import { jacobianReport } from '../../../engine/lab/jacobian-report.js';
import { buildModel } from '../../../engine/model.js';
import { Random } from '../../../engine/random.js';
import type { TF } from '../../../engine/tf.js';
import { experiment, getBackend } from './helpers.js';

/*
 * Input–output Jacobian spectra against the theory of dynamical isometry (Pennington, Schoenholz &
 * Ganguli 2017): products of orthogonal matrices are orthogonal (every singular value 1); products of
 * Gaussian matrices with variance 1/fan_in keep E[s²] = 1 but their spectrum spreads with depth; and
 * orthogonal tanh near criticality stays far better conditioned than ReLU with He initialisation.
 */

let tf: TF;
let start: number;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});
beforeEach(() => {
  start = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(start);
});

const WIDTH = 48;

function deepNet(depth: number, activation: 'linear' | 'tanh' | 'relu', kernel: InitializerSpec): NetworkSpec {
  return NetworkSpec.parse({
    inputShape: [WIDTH],
    layers: Array.from({ length: depth }, () => ({ type: 'dense', units: WIDTH, activation: { name: activation }, kernelInitializer: kernel })),
  });
}

/** `p` Gaussian probe inputs N(0, std²) (seeded). */
function probes(p: number, std: number): Float32Array {
  const rng = new Random(11);
  return Float32Array.from({ length: p * WIDTH }, () => std * rng.normal());
}

async function spectrum(network: NetworkSpec, p = 2, std = 1): Promise<JacobianStage> {
  const model = buildModel(tf, network, { seed: 3 });
  try {
    return await jacobianStage(tf, model, probes(p, std), 'init');
  } finally {
    model.dispose();
  }
}

describe('input–output Jacobian spectrum', () => {
  it('singularValues agrees with a hand-computed matrix', () => {
    // [[3, 0], [4, 5]] has singular values √45 and √5 (s₁² + s₂² = 50, s₁·s₂ = 15).
    const s = singularValues(2, 2, [3, 0, 4, 5]).sort((a, b) => b - a);
    expect(s[0]).toBeCloseTo(Math.sqrt(45), 12);
    expect(s[1]).toBeCloseTo(Math.sqrt(5), 12);
  });

  it('a deep linear network with orthogonal weights has every singular value 1', async () => {
    const stage = await spectrum(deepNet(12, 'linear', { name: 'orthogonal', gain: 1 }));
    expect(stage.layers).toHaveLength(12);
    for (const layer of stage.layers) {
      expect(layer.min, layer.layer).toBeGreaterThan(1 - 1e-4);
      expect(layer.max, layer.layer).toBeLessThan(1 + 1e-4);
      expect(layer.count).toBe(2 * WIDTH);
    }
  });

  it('Gaussian weights with variance 1/fan_in: mean s² stays ≈ 1 while the spread grows with depth', async () => {
    const stage = await spectrum(deepNet(32, 'linear', { name: 'varianceScaling', scale: 1, mode: 'fanIn', distribution: 'normal' }), 1);
    const at = (d: number) => stage.layers.find((l) => l.depth === d)!;
    for (const d of [1, 8, 32]) {
      expect(at(d).meanSq, `depth ${d}`).toBeGreaterThan(0.6);
      expect(at(d).meanSq, `depth ${d}`).toBeLessThan(1.6);
    }
    // For wide layers s² follows the Fuss–Catalan law: E[s⁴] = L + 1, so Var(s²) = L (1 for one layer,
    // Marchenko–Pastur). Finite width (48) and one draw blur the deep end, so only its growth is asserted there.
    expect(at(1).varSq).toBeGreaterThan(0.6);
    expect(at(1).varSq).toBeLessThan(1.5);
    expect(at(8).varSq).toBeGreaterThan(4);
    expect(at(8).varSq).toBeLessThan(14);
    expect(at(32).varSq).toBeGreaterThan(1.5 * at(8).varSq);
  });

  it('orthogonal tanh near criticality is far better conditioned than ReLU with He at depth 32', async () => {
    // σ_w² = 1, σ_b² = 0 is tanh's critical point; inputs of variance q⁰ = 0.01 keep q small, the regime
    // where Pennington et al. find isometry. ReLU's Jacobian does not depend on the input scale.
    const tanh = await spectrum(deepNet(32, 'tanh', { name: 'orthogonal', gain: 1 }), 2, 0.1);
    const relu = await spectrum(deepNet(32, 'relu', { name: 'heNormal' }), 2, 0.1);
    const tDeep = tanh.layers.at(-1)!;
    const rDeep = relu.layers.at(-1)!;
    // Both keep E[s²] of order 1 (χ₁ ≈ 1), but only tanh keeps the singular values together.
    expect(rDeep.meanSq).toBeGreaterThan(0.2);
    expect(tDeep.meanSq).toBeGreaterThan(0.5);
    expect(tDeep.varSq / tDeep.meanSq ** 2).toBeLessThan(0.05 * (rDeep.varSq / rDeep.meanSq ** 2));
    expect(tDeep.max / tDeep.min).toBeLessThan(10);
    expect(rDeep.max / Math.max(rDeep.min, 1e-12)).toBeGreaterThan(1000);
  });

  it('reports a run-like experiment at init and with given weights, skipping layers that are too large', async () => {
    const exp = experiment();
    const report = await jacobianReport(tf, exp, { probes: 3 });
    expect(report.probes).toBe(3);
    expect(report.inputDim).toBe(2);
    expect(report.stages.map((s) => s.stage)).toEqual(['init']);
    expect(report.stages[0]!.layers.map((l) => l.depth)).toEqual([1, 2, 3]);
    for (const l of report.stages[0]!.layers) expect(l.histogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const small = await jacobianReport(tf, exp, { probes: 1, maxDim: 8 });
    expect(small.stages[0]!.skipped.map((s) => s.layer)).toEqual(['dense_0', 'dense_1']);
  });
});
