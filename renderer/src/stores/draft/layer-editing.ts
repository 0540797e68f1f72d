import { computed } from 'vue';
import {
  DEFAULT_DENSE_UNITS,
  followShapes,
  totalParams,
  type ActivationName,
  type ActivationSpec,
  type InitializerName,
  type InitializerSpec,
  type LayerSpec,
} from '../../../../contract/index.js';
import { clone, defaultActivation, defaultInitializer, dense } from '../../lib/experiment-draft.js';
import { defaultLayer, hasActivation, hasKernel, hiddenWeightIndices, type LayerType } from '../../lib/layer-kinds.js';
import { fitResidualToInput } from '../../lib/residual-block.js';
import { newLayerKey, type DraftDocument } from './document.js';

function clampIndex(index: number, length: number): number {
  return Math.max(0, Math.min(length, Math.trunc(index)));
}

/**
 * Editing the layer stack: insert, add, duplicate, remove, move, retype, and copying one layer's
 * initializer or activation to every hidden weight layer. Each keeps `layerKeys` in step with the layers
 * and the selection on the same layer; structure edits are one undo step each (`commit`).
 */
export function useLayerEditing(doc: DraftDocument, commit: () => void) {
  const layers = (): LayerSpec[] => doc.draft.value.network.layers;
  const keys = doc.layerKeys;
  const selected = doc.selectedIndex;

  /** Weight layers except the last one (the output). */
  const hiddenIndices = computed(() => hiddenWeightIndices(layers()));
  /** Input/output shape, parameter count and shape problem of every layer. */
  const shapes = computed(() => followShapes(doc.draft.value.network.inputShape, layers()));
  /** Parameters of the whole network (weights, biases, normalization statistics), NaN-safe. */
  const parameterCount = computed(() => totalParams(shapes.value));

  function insertAt(at: number, layer: LayerSpec): void {
    layers().splice(at, 0, layer);
    keys.value.splice(at, 0, newLayerKey());
  }

  /** Inserts a new layer of `type` at `index` (default: before the output) and selects it. */
  function insertLayer(type: LayerType, index?: number): boolean {
    const layer = defaultLayer(type);
    if (!layer) return false;
    const at = clampIndex(index ?? Math.max(0, layers().length - 1), layers().length);
    // A residual block takes the shape it receives (branch kind, width), so its identity skip fits at once.
    if (layer.type === 'residual') fitResidualToInput(layer, at === 0 ? doc.draft.value.network.inputShape : shapes.value[at - 1]?.outputShape);
    insertAt(at, layer);
    selected.value = at;
    commit();
    return true;
  }

  /** Adds a hidden dense layer just before the output, shaped like the hidden layer above it. */
  function addLayer(): void {
    const hidden = hiddenIndices.value;
    const template = hidden.length ? layers()[hidden[hidden.length - 1]!] : undefined;
    const layer =
      template?.type === 'dense'
        ? dense(template.units, { ...template.activation }, template.kernelInitializer.name)
        : dense(DEFAULT_DENSE_UNITS, { name: 'relu' }, 'heNormal');
    if (template?.type === 'dense') layer.kernelInitializer = { ...template.kernelInitializer };
    insertAt(layers().length > 0 ? layers().length - 1 : 0, layer);
    commit();
  }

  /** Copies layer `index` right below itself and selects the copy. */
  function duplicateLayer(index: number): void {
    const layer = layers()[index];
    if (!layer) return;
    insertAt(index + 1, clone(layer));
    selected.value = index + 1;
    commit();
  }

  /** Removes layer `index` (never the last one left); the selection stays on the same layer or its place. */
  function removeLayer(index: number): void {
    const list = layers();
    if (index < 0 || index >= list.length || list.length <= 1) return;
    list.splice(index, 1);
    keys.value.splice(index, 1);
    if (selected.value !== null) {
      if (selected.value === index) selected.value = Math.min(index, list.length - 1);
      else if (selected.value > index) selected.value -= 1;
    }
    commit();
  }

  /** Moves layer `from` so that it ends up at index `to` (after removal); the selection follows it. */
  function moveLayerTo(from: number, to: number): void {
    const list = layers();
    if (from < 0 || from >= list.length) return;
    const target = clampIndex(to, list.length - 1);
    if (target === from) return;
    const [layer] = list.splice(from, 1);
    list.splice(target, 0, layer!);
    const [key] = keys.value.splice(from, 1);
    keys.value.splice(target, 0, key!);
    if (selected.value === from) selected.value = target;
    commit();
  }

  /** Moves layer `index` one place up (-1) or down (1), if there is room. */
  function moveLayer(index: number, delta: -1 | 1): void {
    const to = index + delta;
    if (to < 0 || to >= layers().length) return;
    moveLayerTo(index, to);
  }

  /** Changes a layer's type, keeping what carries over. */
  function setLayerType(index: number, type: LayerType): void {
    const layer = layers()[index];
    if (!layer || layer.type === type) return;
    const fresh = type === 'dropout' ? ({ type: 'dropout', rate: 0.2 } as LayerSpec) : defaultLayer(type);
    if (!fresh) return;
    if (fresh.type === 'dense') Object.assign(fresh, dense(DEFAULT_DENSE_UNITS, { name: 'relu' }, 'heNormal'));
    layers()[index] = fresh;
    commit();
  }

  /** Switches layer `index`'s activation (its parameters to the contract's defaults); a field edit. */
  function setActivation(index: number, name: ActivationName): void {
    const layer = layers()[index];
    if (!layer || !hasActivation(layer)) return;
    const withAct = layer as LayerSpec & { activation: ActivationSpec };
    if (withAct.activation.name !== name) withAct.activation = defaultActivation(name);
  }

  /** Switches layer `index`'s kernel initializer (its parameters to the defaults); a field edit. */
  function setInitializer(index: number, name: InitializerName): void {
    const layer = layers()[index];
    if (!layer || !hasKernel(layer)) return;
    const withInit = layer as LayerSpec & { kernelInitializer: InitializerSpec };
    if (withInit.kernelInitializer.name !== name) withInit.kernelInitializer = defaultInitializer(name);
  }

  /** Copies layer `index`'s kernel initializer (with its parameters) to every hidden layer; returns how many. */
  function applyInitializerToHidden(index: number): number {
    const source = layers()[index];
    if (!source || !hasKernel(source)) return 0;
    const init = (source as { kernelInitializer: InitializerSpec }).kernelInitializer;
    let count = 0;
    for (const i of hiddenIndices.value) {
      const layer = layers()[i] as LayerSpec & { kernelInitializer?: InitializerSpec };
      if (!layer || !hasKernel(layer)) continue;
      layer.kernelInitializer = { ...init };
      count += 1;
    }
    commit();
    return count;
  }

  /** Copies layer `index`'s activation (with its parameter) to every hidden weight layer; returns how many. */
  function applyActivationToHidden(index: number): number {
    const source = layers()[index];
    if (!source || !hasActivation(source)) return 0;
    const activation = (source as { activation: ActivationSpec }).activation;
    let count = 0;
    for (const i of hiddenIndices.value) {
      const layer = layers()[i] as LayerSpec & { activation?: ActivationSpec };
      if (!layer || !hasActivation(layer)) continue;
      layer.activation = { ...activation };
      count += 1;
    }
    commit();
    return count;
  }

  /**
   * Sets a mean-field initialization on every hidden weight layer (the lab's phase diagram): kernel
   * variance scaling with scale σ_w² over fan-in (normal), so fan_in·Var(w) = σ_w²; bias N(0, σ_b²), or
   * zeros for σ_b² = 0 (a bias is switched on when σ_b² > 0). One undo step; returns how many layers.
   */
  function applyMeanFieldInit(weightVariance: number, biasVariance: number): number {
    let count = 0;
    for (const i of hiddenIndices.value) {
      const layer = layers()[i] as LayerSpec & { kernelInitializer?: InitializerSpec; biasInitializer?: InitializerSpec; useBias?: boolean };
      if (!layer || !hasKernel(layer)) continue;
      layer.kernelInitializer = { name: 'varianceScaling', scale: weightVariance, mode: 'fanIn', distribution: 'normal' };
      // A residual block has no bias initializer (its biases start at 0); setting one would break its schema.
      if ('biasInitializer' in layer) layer.biasInitializer = biasVariance > 0 ? { name: 'normal', mean: 0, std: Math.sqrt(biasVariance) } : { name: 'zeros' };
      if (biasVariance > 0 && 'biasInitializer' in layer) layer.useBias = true;
      count += 1;
    }
    commit();
    return count;
  }

  return {
    applyMeanFieldInit,
    hiddenIndices,
    shapes,
    parameterCount,
    insertLayer,
    addLayer,
    duplicateLayer,
    removeLayer,
    moveLayer,
    moveLayerTo,
    setLayerType,
    setActivation,
    setInitializer,
    applyInitializerToHidden,
    applyActivationToHidden,
  };
}
