import type { Model } from '../model.js';
import type { TF, Variable } from '../tf.js';

/**
 * One trained tensor of a model, as it crosses the worker → host channel and is stored on disk.
 * `name` is `<layer name>/<role>` without the model's unique prefix, e.g. 'dense_0/kernel',
 * 'batchNorm_2/movingVariance'; `values` are row-major float32 with `shape` (no batch dimension).
 */
export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** `m12/dense_0/kernel` → `m12/` (a model's variables share this unique prefix; see buildModel). */
function prefixOf(model: Model): string | null {
  const first = model.variables[0];
  if (!first) return null;
  const slash = first.name.indexOf('/');
  return slash < 0 ? null : first.name.slice(0, slash + 1);
}

/**
 * Every variable of `model` (trainable weights and non-trainable state such as batchNorm moving
 * statistics), in creation order = network order, keyed by name without the model prefix.
 * The batchNorm statistics are not in `model.variables`, so the engine's variable registry is read.
 */
function modelVariables(tf: TF, model: Model): Map<string, Variable> {
  const out = new Map<string, Variable>();
  const prefix = prefixOf(model);
  if (!prefix) return out;
  for (const [name, variable] of Object.entries(tf.engine().registeredVariables)) {
    if (name.startsWith(prefix)) out.set(name.slice(prefix.length), variable);
  }
  for (const v of model.variables) {
    if (!out.has(v.name.slice(prefix.length))) throw new Error(`variable ${v.name} of the model is not registered with TensorFlow.js`);
  }
  return out;
}

/**
 * Copies every variable of a trained model to plain arrays (synchronously; no tensor is created).
 * @returns one NamedWeight per variable, in network order (kernel before bias; gamma, beta,
 *   movingMean, movingVariance for batchNorm)
 */
export function readModelWeights(tf: TF, model: Model): NamedWeight[] {
  return [...modelVariables(tf, model)].map(([name, variable]) => ({
    name,
    shape: [...variable.shape],
    values: Float32Array.from(variable.dataSync() as Float32Array),
  }));
}

/**
 * Overwrites the variables of `model` (built from the same NetworkSpec) with stored weights.
 * @throws Error naming the first missing, unexpected or mis-shaped weight; nothing is assigned then
 */
export function assignModelWeights(tf: TF, model: Model, weights: readonly NamedWeight[]): void {
  const variables = modelVariables(tf, model);
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const [name, variable] of variables) {
    const w = byName.get(name);
    if (!w) throw new Error(`stored weights lack '${name}' (shape [${variable.shape.join(', ')}])`);
    if (w.shape.join(',') !== variable.shape.join(',')) {
      throw new Error(`stored weight '${name}' has shape [${w.shape.join(', ')}], the network needs [${variable.shape.join(', ')}]`);
    }
  }
  for (const name of byName.keys()) {
    if (!variables.has(name)) throw new Error(`stored weight '${name}' belongs to no layer of the network`);
  }
  for (const [name, variable] of variables) {
    const w = byName.get(name)!;
    tf.tidy(() => variable.assign(tf.tensor(w.values, w.shape, 'float32')));
  }
}
