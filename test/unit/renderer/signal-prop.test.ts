import { describe, expect, it } from 'vitest';
import { followShapes, type LayerSpec, type SignalPropBlock, type SignalPropRecord } from '../../../contract/index.js';
import { defaultLayer } from '../../../renderer/src/lib/layer-kinds.js';
import { fitResidualToInput, residualBlockCount, residualParts, zeroPart, type ResidualLayer } from '../../../renderer/src/lib/residual-block.js';
import { followIndex, signalPropLines, varianceGrowth } from '../../../renderer/src/lib/signal-prop.js';
import { appendRecord } from '../../../renderer/src/stores/signal-prop.js';

/** A seeded uniform generator (mulberry32) and a standard normal from it (Box–Muller). */
function rng(seed: number) {
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

/** Per-channel mean and variance over the batch of x [batch][channels], averaged as Brock et al. do. */
function channelStats(x: number[][]): { squaredMean: number; variance: number } {
  const n = x.length;
  const c = x[0]!.length;
  let sq = 0;
  let v = 0;
  for (let j = 0; j < c; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i]![j]!;
    m /= n;
    let s = 0;
    for (let i = 0; i < n; i++) s += (x[i]![j]! - m) ** 2;
    sq += m * m;
    v += s / n;
  }
  return { squaredMean: sq / c, variance: v / c };
}

/**
 * An independent measurement: a linear residual stream x_{l+1} = x_l + α·x_l·W_l with W_l ~ N(0, 1/width)
 * (so Var(x·W) = Var(x)), on a unit-variance batch; per block the three signal-propagation quantities.
 */
function linearResNet(blocks: number, alpha: number, width = 128, batch = 256): SignalPropBlock[] {
  const normal = rng(7);
  let x = Array.from({ length: batch }, () => Array.from({ length: width }, () => normal()));
  const out: SignalPropBlock[] = [];
  for (let b = 0; b < blocks; b++) {
    const w = Array.from({ length: width }, () => Array.from({ length: width }, () => normal() / Math.sqrt(width)));
    const branch = x.map((row) => w[0]!.map((_, k) => alpha * row.reduce((s, xi, i) => s + xi * w[i]![k]!, 0)));
    x = x.map((row, i) => row.map((v, k) => v + branch[i]![k]!));
    const stream = channelStats(x);
    out.push({ layer: `residual_${b + 1}`, index: b + 1, block: b, ...stream, branchVariance: channelStats(branch).variance });
  }
  return out;
}

describe('signal-propagation data shaping', () => {
  it('orders blocks by depth, numbers them 1…n and leaves gaps where a log axis cannot draw', () => {
    const blocks: SignalPropBlock[] = [
      { layer: 'residual_4', index: 4, block: 1, squaredMean: 0.5, variance: 4, branchVariance: 0 },
      { layer: 'residual_1', index: 1, block: 0, squaredMean: null, variance: 2, branchVariance: 1 },
      { layer: 'residual_6', index: 6, block: 2, squaredMean: -1, variance: Number.NaN, branchVariance: 0 },
    ];
    const lines = signalPropLines({ blocks });
    expect(lines.blocks.map((b) => b.layer)).toEqual(['residual_1', 'residual_4', 'residual_6']);
    expect(lines.points.variance).toEqual([
      [1, 2],
      [2, 4],
      [3, null],
    ]);
    expect(lines.points.squaredMean).toEqual([
      [1, null],
      [2, 0.5],
      [3, null],
    ]);
    expect(lines.points.branchVariance).toEqual([
      [1, 1],
      [2, null],
      [3, null],
    ]);
    expect(lines.zeros).toEqual({ squaredMean: 0, variance: 0, branchVariance: 2 });
    expect(signalPropLines(null).blocks).toEqual([]);
  });

  it('reads exponential growth from an unnormalized residual stream (Var doubles per block)', () => {
    const blocks = linearResNet(6, 1);
    const growth = varianceGrowth({ blocks })!;
    // Theory: Var(x_{l+1}) = Var(x_l)(1 + α²) = 2·Var(x_l), so ×2⁵ = 32 from block 1 to block 6.
    expect(growth.perBlock).toBeGreaterThan(1.8);
    expect(growth.perBlock).toBeLessThan(2.2);
    expect(growth.total).toBeCloseTo(Math.pow(growth.perBlock, 5), 6);
    // Each block's branch adds as much variance as the stream had: branch ≈ half of the block's output.
    const lines = signalPropLines({ blocks });
    for (const [i, [, v]] of lines.points.branchVariance.entries()) expect(v! / lines.points.variance[i]![1]!).toBeGreaterThan(0.4);
  });

  it('reads a flat stream and zero branches from a SkipInit-style block (α = 0)', () => {
    const blocks = linearResNet(5, 0, 32, 64);
    const growth = varianceGrowth({ blocks })!;
    expect(growth.total).toBeCloseTo(1, 12);
    expect(growth.perBlock).toBeCloseTo(1, 12);
    const lines = signalPropLines({ blocks });
    expect(lines.zeros.branchVariance).toBe(5);
    expect(lines.points.branchVariance.every(([, v]) => v === null)).toBe(true);
  });

  it('has no growth readout with fewer than two blocks or a broken end', () => {
    const one = linearResNet(1, 1, 8, 16);
    expect(varianceGrowth({ blocks: one })).toBeNull();
    const two = linearResNet(2, 1, 8, 16);
    two[1]!.variance = null;
    expect(varianceGrowth({ blocks: two })).toBeNull();
  });

  it('follows the newest step only while the slider is at the end', () => {
    expect(followIndex(0, 5, true)).toBe(4);
    expect(followIndex(2, 5, false)).toBe(2);
    expect(followIndex(9, 5, false)).toBe(4);
    expect(followIndex(3, 0, true)).toBe(0);
  });

  it('appends live records in step order, dropping repeats and older steps', () => {
    const rec = (step: number): SignalPropRecord => ({ step, epoch: 0, blocks: [] });
    const list = [rec(0), rec(10)];
    appendRecord(list, rec(10));
    appendRecord(list, rec(5));
    appendRecord(list, rec(20));
    expect(list.map((r) => r.step)).toEqual([0, 10, 20]);
  });
});

describe('residual blocks in the builder', () => {
  it('creates a valid block that fits the shape it receives, so the identity skip adds matching shapes', () => {
    const flat = defaultLayer('residual') as ResidualLayer;
    expect(flat).toMatchObject({ type: 'residual', branch: 'dense', skip: 'identity', init: 'standard', normalization: 'none' });
    fitResidualToInput(flat, [24]);
    const image = defaultLayer('residual') as ResidualLayer;
    fitResidualToInput(image, [8, 8, 5]);
    expect([flat.branch, flat.units, image.branch, image.units]).toEqual(['dense', 24, 'conv2d', 5]);
    const dense = (units: number): LayerSpec => ({
      type: 'dense',
      units,
      activation: { name: 'relu' },
      kernelInitializer: { name: 'heNormal' },
      biasInitializer: { name: 'zeros' },
      useBias: true,
    });
    const facts = followShapes([2], [dense(24), flat, dense(3)]);
    expect(facts.map((f) => f.problem)).toEqual([null, null, null]);
    // A mismatched identity skip is refused with a message the builder translates.
    flat.units = 10;
    expect(followShapes([2], [dense(24), flat])[1]!.problem).toMatchObject({ code: 'skipMismatch', params: { inUnits: 24, units: 10 } });
    expect(residualBlockCount([dense(2), flat, flat])).toBe(2);
  });

  it('draws the branch with its normalizations and the part that starts at zero', () => {
    expect(residualParts({ normalization: 'none', init: 'standard' })).toEqual(['layer1', 'act', 'layer2']);
    expect(residualParts({ normalization: 'batchNorm', init: 'skipInit' })).toEqual(['layer1', 'norm1', 'act', 'layer2', 'norm2', 'alpha']);
    expect([zeroPart('standard'), zeroPart('skipInit'), zeroPart('fixup')]).toEqual([null, 'alpha', 'layer2']);
  });
});
