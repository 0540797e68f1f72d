import { InitializerSpec, type InitializerName, type LayerSpec, type TrainConfig } from '../../../contract/index.js';
import { defaultLayer, LAYER_TYPES } from './layer-kinds.js';

/** The starting networks offered in the builder's Presets menu. */
export type PresetId = 'mnistMlp' | 'deepTanh' | 'deepRelu' | 'smallConv';
export const PRESET_IDS: readonly PresetId[] = ['mnistMlp', 'deepTanh', 'deepRelu', 'smallConv'];

/** What a preset sets: the dataset to pick (if the host offers it), the network and training changes. */
export interface PresetContent {
  dataset: string;
  inputShape: number[];
  layers: LayerSpec[];
  train: Partial<TrainConfig>;
}

function dense(units: number, activation: 'relu' | 'tanh' | 'softmax', init: InitializerName): LayerSpec {
  return {
    type: 'dense',
    units,
    activation: { name: activation },
    kernelInitializer: InitializerSpec.parse({ name: init }),
    biasInitializer: { name: 'zeros' },
    useBias: true,
  };
}

function deepStack(activation: 'relu' | 'tanh', init: InitializerName): LayerSpec[] {
  const hidden = Array.from({ length: 10 }, () => dense(64, activation, init));
  return [...hidden, dense(2, 'softmax', 'glorotNormal')];
}

/** A layer of a type the contract may not have yet, with overrides; null when the type is missing. */
function layerOf(type: string, overrides: Record<string, unknown> = {}): LayerSpec | null {
  if (!(LAYER_TYPES as string[]).includes(type)) return null;
  const base = defaultLayer(type as LayerSpec['type']);
  return base ? ({ ...base, ...overrides } as LayerSpec) : null;
}

/** True when the contract has the layer types a preset needs (the conv net waits for conv2d). */
export function presetAvailable(id: PresetId): boolean {
  return id !== 'smallConv' || buildPreset(id) !== null;
}

/** The content of a preset, freshly built (callers may mutate it); null when unavailable. */
export function buildPreset(id: PresetId): PresetContent | null {
  switch (id) {
    case 'mnistMlp':
      // The seed experiment: 784-256-128-10 with ReLU + He on handwritten digits.
      return {
        dataset: 'mnist',
        inputShape: [784],
        layers: [dense(256, 'relu', 'heNormal'), dense(128, 'relu', 'heNormal'), dense(10, 'softmax', 'glorotNormal')],
        train: { epochs: 10, batchSize: 128, statsEvery: 'auto' },
      };
    case 'deepTanh':
      return { dataset: 'spiral', inputShape: [2], layers: deepStack('tanh', 'glorotNormal'), train: { epochs: 100, statsEvery: 'auto' } };
    case 'deepRelu':
      return { dataset: 'spiral', inputShape: [2], layers: deepStack('relu', 'heNormal'), train: { epochs: 100, statsEvery: 'auto' } };
    case 'smallConv': {
      const parts = [
        // MNIST samples are flat [784]: reshape them into images for the conv layers.
        layerOf('reshape', { targetShape: [28, 28, 1] }),
        layerOf('conv2d', { filters: 8, padding: 'same' }),
        layerOf('maxPool2d'),
        layerOf('conv2d', { filters: 16, padding: 'same' }),
        layerOf('maxPool2d'),
        layerOf('flatten'),
        dense(64, 'relu', 'heNormal'),
        dense(10, 'softmax', 'glorotNormal'),
      ];
      if (parts.some((p) => p === null)) return null;
      return { dataset: 'mnist', inputShape: [784], layers: parts as LayerSpec[], train: { epochs: 5, batchSize: 64, statsEvery: 'auto' } };
    }
  }
}
