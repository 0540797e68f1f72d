import type { ResidualLayerSpec } from '../../contract/index.js';
import type { NamedWeight } from './weights.js';

/** A weight tensor as plain row-major float32 values. */
export interface PlainTensor {
  shape: number[];
  values: Float32Array;
}

/** Batch normalisation at inference: y = γ·(x − mean)/√(variance + ε) + β, each [units]. */
export interface PlainBatchNorm {
  gamma: PlainTensor;
  beta: PlainTensor;
  movingMean: PlainTensor;
  movingVariance: PlainTensor;
}

/**
 * A residual block's weights in the form an exporter writes them, with no scalar left over: the block is
 *
 *   h = x + offset1 (when not null) → layer1 (kernel1, bias1) → norm1 → act → + offset2 → layer2 (kernel2,
 *   bias2) → norm2;  y = skip(x) + h (→ act when postActivation)
 *
 * SkipInit's α is folded into the branch's last affine map (norm2's γ and β, else layer 2's kernel and
 * bias); Fixup's scalar multiplier into layer 2's kernel, its biases b1b and b2b into layer 1's and layer 2's
 * biases (exact), b1a and b2a stay as the offsets (a constant before a 'same' convolution does not fold
 * into its bias at the zero-padded border).
 */
export interface ExportResidual {
  offset1: number | null;
  kernel1: PlainTensor;
  bias1: PlainTensor | null;
  norm1: PlainBatchNorm | null;
  offset2: number | null;
  kernel2: PlainTensor;
  bias2: PlainTensor | null;
  norm2: PlainBatchNorm | null;
  /** The projection's kernel ([fanIn, units] or [1, 1, inC, units]); null for an identity skip. */
  projection: PlainTensor | null;
}

const scaled = (t: PlainTensor, s: number): PlainTensor => ({ shape: [...t.shape], values: t.values.map((v) => v * s) });
const filled = (n: number, v: number): PlainTensor => ({ shape: [n], values: new Float32Array(n).fill(v) });
const shifted = (t: PlainTensor, v: number): PlainTensor => ({ shape: [...t.shape], values: t.values.map((x) => x + v) });

/**
 * The export form of residual block `name` from its stored weights (`<name>/<role>`, engine/layers/residual.ts).
 * @throws Error naming the block and the missing or mis-shaped weight
 */
export function exportResidual(spec: ResidualLayerSpec, name: string, weights: ReadonlyMap<string, NamedWeight>): ExportResidual {
  const get = (role: string): PlainTensor => {
    const w = weights.get(`${name}/${role}`);
    if (!w) throw new Error(`layer ${name} has no stored '${role}' weight`);
    return { shape: [...w.shape], values: w.values };
  };
  const scalar = (role: string): number => {
    const t = get(role);
    if (t.values.length !== 1) throw new Error(`layer ${name}: stored '${role}' should hold one value, has ${t.values.length}`);
    return t.values[0] as number;
  };
  const bn = (suffix: string): PlainBatchNorm | null =>
    spec.normalization === 'batchNorm'
      ? { gamma: get(`gamma${suffix}`), beta: get(`beta${suffix}`), movingMean: get(`movingMean${suffix}`), movingVariance: get(`movingVariance${suffix}`) }
      : null;
  const layerBiases = spec.useBias && spec.init !== 'fixup';
  const out: ExportResidual = {
    offset1: null,
    kernel1: get('kernel'),
    bias1: layerBiases ? get('bias') : null,
    norm1: bn(''),
    offset2: null,
    kernel2: get('kernel2'),
    bias2: layerBiases ? get('bias2') : null,
    norm2: bn('2'),
    projection: spec.skip === 'projection' ? get('projection') : null,
  };
  if (spec.init === 'fixup') {
    const units = spec.units;
    const scale = scalar('fixupScale');
    out.offset1 = scalar('fixupBias1a');
    out.offset2 = scalar('fixupBias2a');
    out.kernel2 = scaled(out.kernel2, scale);
    if (out.norm1) {
      // b1b comes after norm1: shift its β.
      out.norm1 = { ...out.norm1, beta: shifted(out.norm1.beta, scalar('fixupBias1b')) };
    } else out.bias1 = filled(units, scalar('fixupBias1b'));
    if (out.norm2) {
      // scale·BN(z) + b2b: γ and β scaled, then β shifted (kernel2 must then stay unscaled: BN removes its scale).
      out.kernel2 = get('kernel2');
      out.norm2 = { ...out.norm2, gamma: scaled(out.norm2.gamma, scale), beta: shifted(scaled(out.norm2.beta, scale), scalar('fixupBias2b')) };
    } else out.bias2 = filled(units, scalar('fixupBias2b'));
  }
  if (spec.init === 'skipInit') {
    const alpha = scalar('alpha');
    if (out.norm2) out.norm2 = { ...out.norm2, gamma: scaled(out.norm2.gamma, alpha), beta: scaled(out.norm2.beta, alpha) };
    else {
      out.kernel2 = scaled(out.kernel2, alpha);
      if (out.bias2) out.bias2 = scaled(out.bias2, alpha);
    }
  }
  return out;
}
