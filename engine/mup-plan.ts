import {
  followShapes,
  MUP_OPTIMIZER_FORM,
  mupReadout,
  type MupReadout,
  type MupLayerRecord,
  type MupProvenance,
  type NetworkSpec,
  type OptimizerSpec,
  type ParametrizationSpec,
} from '../contract/index.js';
import type { Model } from './model.js';

/** What μP does to one network: the network with its kernels' initializers replaced, the readout multiplier, the record. */
export interface MupPlan {
  /** The run's network with μP's kernel initializers (everything else as written). */
  network: NetworkSpec;
  readout: MupReadout;
  /** The record for the run's provenance (per dense layer: role, fans, kernel std, learning-rate factors). */
  record: MupProvenance;
}

/**
 * μP's per-layer rules for a network of dense layers (the mup package, microsoft/mup, with a single
 * base width b instead of a base model): a dimension is "infinite" (width-sized) unless it is the
 * data's (first dense layer's fan_in) or the outputs' (last dense layer's fan_out); its width
 * multiplier is size/b. With m_in = fan_in/b and m_out = fan_out/b, per dense layer:
 * - init: input and hidden kernels N(0, 1/fan_in); the output (readout) kernel N(0, 1/fan_in) or 0;
 *   biases keep their initializers;
 * - readout: its product h·W multiplied by 1/m_in = b/fan_in (MuReadout; the bias is added after);
 * - learning-rate factors, MuAdam form (adam, adamw): hidden kernels (two infinite dims) 1/m_in,
 *   everything else 1; MuSGD form (sgd, momentum): vector-like parameters (one infinite dim) ×m of
 *   that dim — input kernel m_out, output kernel m_in, input and hidden biases m_out — hidden kernels
 *   m_out/m_in (1 when the widths are equal), the output bias 1.
 * With every hidden width equal to b all factors are 1 and the multiplier is 1: μP then differs from
 * SP only by its initial scales.
 * @returns null for a standard run
 * @throws Error naming `train.parametrization` for an optimizer with no μP form or fewer than two dense
 *   layers (contract/mup-check.ts reports these before a run is stored)
 */
export function planMup(network: NetworkSpec, parametrization: ParametrizationSpec | undefined, optimizer: OptimizerSpec['name']): MupPlan | null {
  if (!parametrization || parametrization.name !== 'mup') return null;
  const form = MUP_OPTIMIZER_FORM[optimizer];
  if (!form) throw new Error(`train.parametrization: μP has no learning-rate rules for ${optimizer} here (sgd, momentum, adam, adamw)`);
  const b = parametrization.baseWidth;
  const shapes = followShapes(network.inputShape, network.layers);
  const dense = network.layers.flatMap((l, i) => (l.type === 'dense' ? [i] : []));
  if (dense.length < 2) throw new Error('train.parametrization: μP needs at least one hidden dense layer before the output layer');
  const first = dense[0]!;
  const last = dense[dense.length - 1]!;
  const layers: MupLayerRecord[] = [];
  const specs = network.layers.map((spec, i) => {
    if (spec.type !== 'dense') return spec;
    const shape = shapes[i]!;
    const fanIn = shape.inputShape.reduce((a, c) => a * c, 1);
    const fanOut = spec.units;
    const role: MupLayerRecord['role'] = i === last ? 'output' : i === first ? 'input' : 'hidden';
    const mIn = fanIn / b;
    const mOut = fanOut / b;
    let kernel: number;
    let bias: number;
    if (form === 'adam') {
      kernel = role === 'hidden' ? 1 / mIn : 1;
      bias = 1;
    } else {
      kernel = role === 'input' ? mOut : role === 'output' ? mIn : mOut / mIn;
      bias = role === 'output' ? 1 : mOut;
    }
    const kernelStd = role === 'output' && parametrization.outputInit === 'zero' ? 0 : 1 / Math.sqrt(fanIn);
    layers.push({ layer: shape.name, index: i, role, fanIn, fanOut, kernelStd, kernelLrFactor: kernel, biasLrFactor: spec.useBias ? bias : null });
    return { ...spec, kernelInitializer: kernelStd === 0 ? { name: 'zeros' as const } : { name: 'normal' as const, mean: 0, std: kernelStd } };
  });
  const readout = mupReadout(network, parametrization)!;
  return {
    network: { ...network, layers: specs },
    readout,
    record: { name: 'mup', baseWidth: b, outputInit: parametrization.outputInit, form, outputMultiplier: readout.factor, layers },
  };
}

/**
 * The learning-rate factor of every trainable variable of a model built from `plan.network`, keyed by
 * variable name (the optimizer multiplies the step's learning rate by it); empty for a standard run.
 */
export function mupLrFactorMap(model: Model, plan: MupPlan | null): Map<string, number> {
  const factors = new Map<string, number>();
  if (!plan) return factors;
  for (const rec of plan.record.layers) {
    const layer = model.layers[rec.index];
    if (!layer) continue;
    for (const p of layer.params) {
      if (p.role === 'kernel') factors.set(p.variable.name, rec.kernelLrFactor);
      else if (p.role === 'bias' && rec.biasLrFactor !== null) factors.set(p.variable.name, rec.biasLrFactor);
    }
  }
  return factors;
}
