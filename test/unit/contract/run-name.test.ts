import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  autoRunName,
  ENGLISH_RUN_NAME_LABELS,
  ExperimentSpec,
  fillTemplate,
  initializerName,
  runNameParts,
  type RunNameTemplates,
} from '../../../contract/index.js';

const example = (file: string) => ExperimentSpec.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../../../examples', file), 'utf8')));

/** The Builder's small conv net on MNIST (renderer/src/lib/presets.ts `smallConv`), as a stored run holds it. */
const smallConv = ExperimentSpec.parse({
  name: 'mnist 64-10', // the stale experiment name the issue reports for a conv net
  dataset: { builtin: 'mnist' },
  network: {
    inputShape: [784],
    layers: [
      { type: 'reshape', targetShape: [28, 28, 1] },
      { type: 'conv2d', filters: 8, padding: 'same', activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
      { type: 'maxPool2d' },
      { type: 'conv2d', filters: 16, padding: 'same', activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
      { type: 'maxPool2d' },
      { type: 'flatten' },
      { type: 'dense', units: 64, activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
      { type: 'dense', units: 10, activation: { name: 'softmax' }, kernelInitializer: { name: 'glorotNormal' } },
    ],
  },
  train: { epochs: 5, batchSize: 64, seed: 4 },
});

describe('automatic run names', () => {
  it('names the example experiments by activation, initializer, optimizer, seed, dataset and architecture', () => {
    expect(autoRunName(example('spiral-tanh-glorot.json'))).toBe('tanh · Glorot N · Adam 0.01 · seed 1 · Spiral · MLP 16-16-2');
    // Hidden layers with different activations list each once, in layer order; the output layer is left out.
    expect(autoRunName(example('circle-relu-he.json'))).toBe('ReLU/Leaky ReLU 0.01 · He N · SGD 0.1 · seed 3 · Circle · MLP 8-8-2');
    // A residual block counts once, with its width.
    expect(autoRunName(example('resnet-fixup.json'))).toBe('linear/ReLU · LeCun N/He N · SGD 0.05 · seed 3 · Spiral · MLP 32-32-32-32-32-32-32-32-32-2');
  });

  it('describes a conv net as a CNN, not by its stale experiment name', () => {
    const name = autoRunName(smallConv);
    expect(name).toBe('ReLU · He N · Adam 0.001 · seed 4 · MNIST · CNN 8-16-64-10');
    expect(name).not.toContain('mnist 64-10');
  });

  it('never shows internal ids: an imported dataset by its name, or a generic label once it is gone', () => {
    const imported = ExperimentSpec.parse({ ...example('spiral-tanh-glorot.json'), dataset: { id: 'ds_ef28e2273e0e1c27' } });
    expect(autoRunName(imported, 'iris.csv')).toContain(' · iris.csv · ');
    expect(autoRunName(imported, null)).toContain(' · imported data · ');
    for (const name of [autoRunName(imported, null), autoRunName(smallConv)]) expect(name).not.toMatch(/ds_|heNormal|glorotNormal/);
  });

  it('writes parametrised initializers with their parameters', () => {
    expect(initializerName({ name: 'normal', mean: 0, std: 0.02 })).toBe('N(0, 0.02)');
    expect(initializerName({ name: 'orthogonal', gain: 1 })).toBe('Orthogonal');
    expect(initializerName({ name: 'orthogonal', gain: 2 })).toBe('Orthogonal ×2');
    expect(initializerName({ name: 'varianceScaling', scale: 2, mode: 'fanIn', distribution: 'normal' })).toBe('Var. scaling 2 fanIn normal');
  });

  it('takes its words from the label table it is given (another language)', () => {
    const zh: RunNameTemplates = {
      ...ENGLISH_RUN_NAME_LABELS,
      initializer: { ...ENGLISH_RUN_NAME_LABELS.initializer, glorotNormal: 'Glorot 正态' },
      dataset: { ...ENGLISH_RUN_NAME_LABELS.dataset, spiral: '螺旋' },
      seed: '种子 {seed}',
    };
    expect(runNameParts(example('spiral-tanh-glorot.json'), null, zh)).toMatchObject({ initializer: 'Glorot 正态', dataset: '螺旋', seed: '种子 1' });
    expect(fillTemplate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
