import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TF } from './tf.js';

/** Environment variable: '1' loads the whole @tensorflow/tfjs package at start, as before the lean load. */
export const TFJS_FULL_ENV_VAR = 'INITSCOPE_TFJS_FULL';

/**
 * Names a run never needs that only the whole @tensorflow/tfjs package has (tfjs-layers, -converter,
 * -data, -webgl). Reading one of them through the lean namespace loads the whole package then (the
 * export to tfjs-layers, the bench's model.fit). `version` is not among them: the lean namespace has
 * `version_core`, which readTfjsVersion reads when `version` is absent (the same "4.22.0").
 */
const NOT_DELEGATED = new Set<PropertyKey>(['version', 'then']);

/**
 * TensorFlow.js without the packages a training run never uses: tfjs-core, the cpu backend and
 * dist/engine/tfjs-lean.cjs (tfjs-core's gradients and chained ops, built by
 * scripts/bundle-entries.mjs — what @tensorflow/tfjs's own bundle registers, from the same sources).
 * The namespace is tfjs-core's, and any name only the whole package has (tf.layers, tf.sequential, …)
 * loads that package on first use, so callers see the full API.
 * @param requireCjs Node's require relative to the caller
 * @returns the namespace, or null where the lean file is absent (running from sources) or
 *   INITSCOPE_TFJS_FULL=1 — the caller then loads @tensorflow/tfjs
 */
export function loadLeanTfjs(requireCjs: (specifier: string) => unknown): TF | null {
  if (process.env[TFJS_FULL_ENV_VAR] === '1') return null;
  const leanFile = fileURLToPath(new URL('./tfjs-lean.cjs', import.meta.url));
  if (!existsSync(leanFile)) return null;
  const core = requireCjs('@tensorflow/tfjs-core') as Record<PropertyKey, unknown>;
  requireCjs('@tensorflow/tfjs-backend-cpu');
  requireCjs(leanFile);
  let full: Record<PropertyKey, unknown> | undefined;
  return new Proxy(core, {
    get(target, name) {
      if (name in target || typeof name === 'symbol' || NOT_DELEGATED.has(name)) return target[name];
      full ??= requireCjs('@tensorflow/tfjs') as Record<PropertyKey, unknown>;
      return full[name];
    },
  }) as unknown as TF;
}
