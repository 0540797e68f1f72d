import { parseLayerName } from '../../../contract/index.js';

/** A translate function (vue-i18n's `t` with named values). */
type Translate = (key: string, named?: Record<string, unknown>) => string;

/**
 * The 1-based position of an engine layer name in the network (`dense_2` → 3; the engine names layers
 * `${type}_${index}` with the index into the NetworkSpec's layers), or null for any other name.
 */
export function layerNumber(engineName: string): number | null {
  return parseLayerName(engineName)?.number ?? null;
}

/** The engine's layer type in a layer name (`conv2d_0` → `conv2d`), or null. */
export function layerTypeOf(engineName: string): string | null {
  return parseLayerName(engineName)?.type ?? null;
}

/**
 * How the UI names an engine layer, the same way Build numbers them: `dense_0` → "Layer 1" (with
 * `withType`: "Layer 1 · Dense"). Unknown names are shown as they are.
 */
export function layerLabel(engineName: string, t: Translate, withType = false): string {
  const n = layerNumber(engineName);
  if (n === null) return engineName;
  if (!withType) return t('diagnostics.layerName', { n });
  const type = layerTypeOf(engineName)!;
  const typeKey = `layerTypes.${type}.name`;
  const typeName = t(typeKey);
  return t('diagnostics.layerNameType', { n, type: typeName === typeKey ? type : typeName });
}
