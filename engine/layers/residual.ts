import { FIXUP_SCALARS, type LayerShapeInfo, type LayerSpec, type ResidualLayerSpec } from '../../contract/index.js';
import { applyActivation } from '../activations.js';
import { deriveSeed } from '../random.js';
import type { Tensor, TF, Variable } from '../tf.js';
import { buildBatchNorm } from './batch-norm.js';
import { buildConv2D } from './conv2d.js';
import { buildDense } from './dense.js';
import type { ForwardContext, Layer, LayerParam } from './types.js';
import { makeVariable } from './weights.js';

/** Facts about the whole network a residual block's initialisation needs. */
export interface ResidualContext {
  /** L: the number of residual blocks in the network (Fixup scales layer 1 by L^(−1/2)). */
  residualBlocks: number;
}

/** Fixup's scale of a branch's first layer: L^(−1/(2m−2)) with m = 2 layers per branch, i.e. 1/√L. */
export function fixupScale(residualBlocks: number): number {
  return Math.pow(Math.max(1, residualBlocks), -1 / (2 * 2 - 2));
}

/** The shape facts of a sub-layer of block `info` (with the block's name), with only the roles it owns. */
function subInfo(
  info: LayerShapeInfo,
  type: LayerSpec['type'],
  inputShape: number[],
  outputShape: number[],
  paramShapes: Record<string, number[]>,
): LayerShapeInfo {
  const paramCount = Object.values(paramShapes).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  return { index: info.index, type, name: info.name, inputShape, outputShape, paramShapes, paramCount, stateCount: 0, problem: null };
}

/** Variable-name roles of the block's parts: `<block>/kernel`, `…/kernel2`, `…/movingMean2`, `…/projection`. */
const FIRST = (role: string): string => role;
const SECOND = (role: string): string => `${role}2`;
const PROJECTION = (): string => 'projection';

/** A weight sub-layer (dense or 'same' conv2d with stride 1), linear: the block applies norm and activation itself. */
function buildWeightLayer(
  tf: TF,
  spec: ResidualLayerSpec,
  info: LayerShapeInfo,
  rename: (role: string) => string,
  shapes: { kernel: number[]; bias?: number[] | undefined },
  initializer: ResidualLayerSpec['kernelInitializer'],
  kernelSize: ResidualLayerSpec['kernelSize'],
  inputShape: number[],
  prefix: string,
  seed: number,
): Layer {
  const useBias = shapes.bias !== undefined;
  const paramShapes: Record<string, number[]> = useBias ? { kernel: shapes.kernel, bias: shapes.bias! } : { kernel: shapes.kernel };
  const base = { activation: { name: 'linear' as const }, kernelInitializer: initializer, biasInitializer: { name: 'zeros' as const }, useBias };
  const out = [...inputShape.slice(0, -1), spec.units];
  if (spec.branch === 'dense') {
    return buildDense(tf, { type: 'dense', units: spec.units, ...base }, subInfo(info, 'dense', inputShape, out, paramShapes), seed, prefix, rename);
  }
  const conv = { type: 'conv2d' as const, filters: spec.units, kernelSize, strides: 1, padding: 'same' as const, ...base };
  return buildConv2D(tf, conv, subInfo(info, 'conv2d', inputShape, out, paramShapes), seed, prefix, rename);
}

/**
 * A residual block (contract ResidualLayerSpec): y = skip(x) + α·branch(x), branch = layer2 ∘ act ∘ norm1
 * ∘ layer1 then norm2; with `postActivation`, y = act(…). x [batch, fanIn] (dense) or [batch, h, w, inC]
 * (conv2d); y [batch, units] or [batch, h, w, units].
 * Seeds: layer 1 deriveSeed(layerSeed, 'layer1'), layer 2 'layer2', projection 'projection' (each then
 * derives 'kernel'/'bias' like a dense layer). Variables (and stored weight names): `<block>/<role>` with the
 * roles of contract residualParamShapes plus movingMean, movingVariance, movingMean2, movingVariance2.
 * Fixup: layer 2's kernel is 0, layer 1's kernel is multiplied by {@link fixupScale}(L). `apply` returns α·branch(x) as `branch` for signal-propagation statistics.
 * Params carry the roles of contract residualParamShapes (kernel first).
 */
export function buildResidual(tf: TF, spec: ResidualLayerSpec, info: LayerShapeInfo, layerSeed: number, prefix: string, context: ResidualContext): Layer {
  const shapes = info.paramShapes;
  const parts: Layer[] = [];
  const scalars = new Map<string, Variable>();
  const dispose = (): void => {
    for (const part of parts) part.dispose();
    for (const v of scalars.values()) v.dispose();
  };
  const bnSpec = { type: 'batchNorm' as const, momentum: 0.99, epsilon: 1e-3 };
  const mid = [...info.inputShape.slice(0, -1), spec.units];
  const fixup = spec.init === 'fixup';
  let layer1: Layer, layer2: Layer;
  let norm1: Layer | null = null;
  let norm2: Layer | null = null;
  let projection: Layer | null = null;
  try {
    layer1 = buildWeightLayer(
      tf,
      spec,
      info,
      FIRST,
      { kernel: shapes.kernel!, bias: shapes.bias },
      spec.kernelInitializer,
      spec.kernelSize,
      [...info.inputShape],
      prefix,
      deriveSeed(layerSeed, 'layer1'),
    );
    parts.push(layer1);
    if (fixup) {
      const kernel = layer1.params[0]!.variable;
      const scale = fixupScale(context.residualBlocks);
      tf.tidy(() => kernel.assign(tf.mul(kernel, scale)));
    }
    if (spec.normalization === 'batchNorm') {
      norm1 = buildBatchNorm(tf, bnSpec, subInfo(info, 'batchNorm', mid, mid, { gamma: [spec.units], beta: [spec.units] }), prefix, FIRST);
      parts.push(norm1);
    }
    const init2 = fixup ? { name: 'zeros' as const } : spec.kernelInitializer;
    layer2 = buildWeightLayer(
      tf,
      spec,
      info,
      SECOND,
      { kernel: shapes.kernel2!, bias: shapes.bias2 },
      init2,
      spec.kernelSize,
      mid,
      prefix,
      deriveSeed(layerSeed, 'layer2'),
    );
    parts.push(layer2);
    if (spec.normalization === 'batchNorm') {
      norm2 = buildBatchNorm(tf, bnSpec, subInfo(info, 'batchNorm', mid, mid, { gamma: [spec.units], beta: [spec.units] }), prefix, SECOND);
      parts.push(norm2);
    }
    if (spec.skip === 'projection') {
      projection = buildWeightLayer(
        tf,
        spec,
        info,
        PROJECTION,
        { kernel: shapes.projection! },
        spec.projectionInitializer,
        1,
        [...info.inputShape],
        prefix,
        deriveSeed(layerSeed, 'projection'),
      );
      parts.push(projection);
    }
    const scalar = (role: string, value: number): void => {
      scalars.set(role, makeVariable(tf, new Float32Array([value]), [1], `${prefix}${info.name}/${role}`));
    };
    if (spec.init === 'skipInit') scalar('alpha', 0);
    if (fixup) for (const role of FIXUP_SCALARS) scalar(role, role === 'fixupScale' ? 1 : 0);
  } catch (error) {
    dispose();
    throw error;
  }
  const params: LayerParam[] = [];
  const role = (p: LayerParam, suffix: string): LayerParam => ({ role: `${p.role}${suffix}`, variable: p.variable });
  params.push(...layer1.params.map((p) => role(p, '')));
  if (norm1) params.push(...norm1.params.map((p) => role(p, '')));
  params.push(...layer2.params.map((p) => role(p, '2')));
  if (norm2) params.push(...norm2.params.map((p) => role(p, '2')));
  if (projection) params.push({ role: 'projection', variable: projection.params[0]!.variable });
  for (const [name, variable] of scalars) params.push({ role: name, variable });
  const s = (name: string): Variable => scalars.get(name)!;
  const l1 = layer1;
  const l2 = layer2;
  return {
    index: info.index,
    type: 'residual',
    name: info.name,
    inputShape: info.inputShape,
    outputShape: info.outputShape,
    activation: spec.postActivation ? spec.activation : null,
    params,
    paramCount: info.paramCount,
    apply(x: Tensor, ctx: ForwardContext) {
      let h = fixup ? tf.add(x, s('fixupBias1a')) : x;
      h = l1.apply(h, ctx).output;
      if (norm1) h = norm1.apply(h, ctx).output;
      if (fixup) h = tf.add(h, s('fixupBias1b'));
      h = applyActivation(tf, h, spec.activation);
      if (fixup) h = tf.add(h, s('fixupBias2a'));
      h = l2.apply(h, ctx).output;
      if (norm2) h = norm2.apply(h, ctx).output;
      if (fixup) h = tf.add(tf.mul(h, s('fixupScale')), s('fixupBias2b'));
      if (spec.init === 'skipInit') h = tf.mul(h, s('alpha'));
      const skip = projection ? projection.apply(x, ctx).output : x;
      const sum = tf.add(skip, h);
      const output = spec.postActivation ? applyActivation(tf, sum, spec.activation) : sum;
      return { preActivation: sum, output, branch: h };
    },
    dispose,
  };
}
