/**
 * The engine names layers `${type}_${index}` with the index into NetworkSpec.layers (`dense_2`); people
 * see them numbered from 1 as Build shows them ("Layer 3"). These two functions are the one parse of
 * that name, shared by the renderer (translated) and the English exports and CLI text.
 */

/** The 1-based position and the type of an engine layer name (`conv2d_0` → { number: 1, type: 'conv2d' }), or null. */
export function parseLayerName(engineName: string): { number: number; type: string } | null {
  const m = /^([a-z][a-z0-9]*)_(\d+)$/i.exec(engineName);
  return m ? { number: Number(m[2]) + 1, type: m[1]! } : null;
}

/** English display name of an engine layer name: `dense_2` → "Layer 3 (dense)"; other names as they are. */
export function layerDisplayName(engineName: string): string {
  const parsed = parseLayerName(engineName);
  return parsed ? `Layer ${parsed.number} (${parsed.type})` : engineName;
}
