import { describe, expect, it } from 'vitest';
import type { HeatGrid } from '../../../renderer/src/lib/diagnostics.js';
import { colourPosition, heatScale, scaleLabel, toColourUnits } from '../../../renderer/src/lib/heat-scale.js';

/** Seeded uniform [0, 1) (mulberry32) and a standard normal from it (Box–Muller). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Activation std of every layer of a `depth`-layer tanh MLP (width 64, zero biases, kernels N(0, std²))
 * on 128 standard-normal 2-D inputs: an independent forward pass in plain numbers.
 */
function tanhStds(depth: number, kernelStd: (fanIn: number, fanOut: number) => number, seed: number): number[] {
  const normal = rng(seed);
  const width = 64;
  let x: number[][] = Array.from({ length: 128 }, () => [normal(), normal()]);
  const stds: number[] = [];
  for (let layer = 0; layer < depth; layer++) {
    const fanIn = x[0]!.length;
    const s = kernelStd(fanIn, width);
    const w = Array.from({ length: fanIn }, () => Array.from({ length: width }, () => normal() * s));
    x = x.map((row) => Array.from({ length: width }, (_, j) => Math.tanh(row.reduce((sum, v, i) => sum + v * w[i]![j]!, 0))));
    const all = x.flat();
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    stds.push(Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length));
  }
  return stds;
}

const layers = Array.from({ length: 10 }, (_, i) => `dense_${i}`);
const grid = (stds: number[]): HeatGrid => ({ layers, steps: [1], values: [stds] });

describe('heatmap colour scale', () => {
  const collapsed = tanhStds(10, () => 0.02, 1); // N(0, 0.02): each layer multiplies the std by ≈ 0.02·√64 = 0.16
  const healthy = tanhStds(10, (fanIn, fanOut) => Math.sqrt(2 / (fanIn + fanOut)), 2); // Glorot normal

  it('sees the collapse in the simulated nets (the data the scale must show)', () => {
    expect(collapsed[9]!).toBeLessThan(1e-6);
    expect(collapsed[9]!).toBeGreaterThan(1e-9);
    expect(collapsed[4]! / collapsed[3]!).toBeCloseTo(0.16, 1);
    expect(Math.min(...healthy)).toBeGreaterThan(0.1);
  });

  it('colours stds by log10 over a domain that reaches the collapsed layers', () => {
    const scale = heatScale('activationStd', [grid(collapsed), grid(healthy)]);
    expect(scale.kind).toBe('log');
    expect(scale.min).toBeCloseTo(Math.log10(collapsed[9]!), 6);
    expect(scale.max).toBeCloseTo(Math.log10(Math.max(...collapsed, ...healthy)), 6);
    expect(scale.max - scale.min).toBeGreaterThan(6); // more than six decades
    expect(scaleLabel(scale, scale.min)).toMatch(/^\d\.\de-[789]$/);
    // Each collapsed layer gets its own colour, ≈ 0.8 decades apart; the healthy net's deep layers stay at the top.
    const positions = collapsed.map((v) => colourPosition(scale, v)!);
    for (let i = 1; i < positions.length; i++) expect(positions[i - 1]! - positions[i]!).toBeGreaterThan(0.08);
    expect(positions[9]).toBe(0);
    for (const v of healthy.slice(5)) expect(colourPosition(scale, v)!).toBeGreaterThan(0.85);
  });

  it('where a linear scale would paint layers 3–10 of the collapsed net the same colour', () => {
    const max = Math.max(...collapsed, ...healthy);
    const linear = collapsed.slice(2).map((v) => v / max);
    expect(Math.max(...linear)).toBeLessThan(0.02);
    const scale = heatScale('activationStd', [grid(collapsed), grid(healthy)]);
    const log = collapsed.slice(2).map((v) => colourPosition(scale, v)!);
    expect(Math.max(...log) - Math.min(...log)).toBeGreaterThan(0.6);
  });

  it('puts exact zeros (a dead layer) at the bottom, keeps fractions in [0, 1] and spans at least a decade', () => {
    const scale = heatScale('gradientNorm', [grid([0, 0.5, 0.8, ...Array<number>(7).fill(1)])]);
    expect(scale).toEqual({ kind: 'log', min: -1, max: 0 });
    expect(toColourUnits('log', 0, scale.min)).toBe(-1);
    expect(colourPosition(scale, null)).toBeNull();
    expect(colourPosition(scale, Number.NaN)).toBeNull();
    expect(heatScale('deadFraction', [grid([0.2])])).toEqual({ kind: 'fraction', min: 0, max: 1 });
    expect(heatScale('activationStd', [])).toEqual({ kind: 'log', min: -1, max: 0 });
  });
});
