import { describe, expect, it } from 'vitest';
import {
  followShapes as inferShapes,
  LayerSpec,
  NetworkSpec,
  totalParams,
  windowOutputLength as windowOutput,
  type LayerShapeInfo,
} from '../../../contract/index.js';

/** Trainable plus non-trainable values of one layer (what the Builder shows). */
const size = (s: LayerShapeInfo): number => s.paramCount + s.stateCount;
import { EditHistory } from '../../../renderer/src/lib/history.js';
import { defaultLayer, LAYER_TYPES } from '../../../renderer/src/lib/layer-kinds.js';
import { networkToJson, parseNetworkFile } from '../../../renderer/src/lib/network-io.js';
import { buildPreset, PRESET_IDS } from '../../../renderer/src/lib/presets.js';

const dense = (units: number): LayerSpec => LayerSpec.parse({ type: 'dense', units });

describe('layer palette', () => {
  it('offers every type of the LayerSpec union, each with a valid default layer', () => {
    expect(LAYER_TYPES).toEqual(LayerSpec.options.map((o) => o.shape.type.value));
    for (const type of LAYER_TYPES) {
      const layer = defaultLayer(type);
      expect(layer?.type, type).toBe(type);
      expect(LayerSpec.safeParse(layer).success, type).toBe(true);
    }
  });
});

describe('shape check and parameter count', () => {
  it('counts the 784-256-128-10 MLP as 784·256+256 + 256·128+128 + 128·10+10 parameters', () => {
    const shapes = inferShapes([784], [dense(256), dense(128), dense(10)]);
    expect(shapes.map(size)).toEqual([200_960, 32_896, 1_290]);
    expect(totalParams(shapes)).toBe(235_146);
    expect(shapes.map((s) => s.outputShape)).toEqual([[256], [128], [10]]);
    expect(shapes.every((s) => s.problem === null)).toBe(true);
  });

  it('follows an image through conv, pool and flatten with the padding formulas', () => {
    // valid: floor((n − k)/s) + 1; same: ceil(n/s)
    expect(windowOutput(28, 3, 1, 'valid')).toBe(26);
    expect(windowOutput(28, 3, 2, 'same')).toBe(14);
    const layers = [
      LayerSpec.parse({ type: 'conv2d', filters: 8, kernelSize: 3, padding: 'valid' }),
      LayerSpec.parse({ type: 'maxPool2d' }),
      LayerSpec.parse({ type: 'conv2d', filters: 16, kernelSize: [3, 5], strides: 2, padding: 'same' }),
      LayerSpec.parse({ type: 'batchNorm' }),
      LayerSpec.parse({ type: 'flatten' }),
      dense(10),
    ];
    const shapes = inferShapes([28, 28, 1], layers);
    expect(shapes.map((s) => s.outputShape)).toEqual([[26, 26, 8], [13, 13, 8], [7, 7, 16], [7, 7, 16], [784], [10]]);
    // conv: kh·kw·inC·filters + filters; batchNorm: 4 per channel; dense: 784·10 + 10
    expect(shapes.map(size)).toEqual([3 * 3 * 1 * 8 + 8, 0, 3 * 5 * 8 * 16 + 16, 64, 0, 7_850]);
  });

  it('names the layer that cannot take its input', () => {
    const afterImage = inferShapes([28, 28, 1], [dense(10)]);
    expect(afterImage[0]!.problem).toMatchObject({ code: 'needsFlat', params: { shape: '[28×28×1]' } });
    const convOnVector = inferShapes([2], [dense(4), LayerSpec.parse({ type: 'conv2d', filters: 2 })]);
    expect(convOnVector[0]!.problem).toBeNull();
    expect(convOnVector[1]!.problem?.code).toBe('needsImage');
    const tooBig = inferShapes([2, 2, 1], [LayerSpec.parse({ type: 'conv2d', filters: 2, kernelSize: 5 })]);
    expect(tooBig[0]!.problem?.code).toBe('tooSmall');
  });
});

describe('undo history', () => {
  it('undoes and redoes each step, merges quick edits of one group, and forgets redo after a new edit', () => {
    const h = new EditHistory('a', 100, 500);
    h.record('b', null, 0);
    h.record('c', 'units', 1000);
    h.record('cc', 'units', 1200); // merged with 'c'
    expect(h.undo()).toBe('b');
    expect(h.undo()).toBe('a');
    expect(h.undo()).toBeNull();
    expect(h.redo()).toBe('b');
    h.record('x', null, 5000);
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toBe('b');
  });

  it('keeps at most `limit` steps', () => {
    const h = new EditHistory('0', 3);
    for (let i = 1; i <= 10; i += 1) h.record(String(i));
    let steps = 0;
    while (h.undo() !== null) steps += 1;
    expect(steps).toBe(3);
    expect(h.current).toBe('7');
  });
});

describe('network files', () => {
  it('round-trips a network through JSON', () => {
    const network = NetworkSpec.parse({ inputShape: [784], layers: [{ type: 'dense', units: 10 }] });
    const read = parseNetworkFile(networkToJson(network));
    expect(read).toEqual({ ok: true, network });
  });

  it('reports bad JSON with its line and column, and a bad field by its path', () => {
    const broken = parseNetworkFile('{\n  "inputShape": [2],\n  "layers": [,]\n}');
    expect(broken).toMatchObject({ ok: false, kind: 'json', line: 3, column: 14 });
    const bad = parseNetworkFile(JSON.stringify({ inputShape: [2], layers: [{ type: 'dense', units: 0 }] }));
    expect(bad.ok).toBe(false);
    if (!bad.ok && bad.kind === 'schema') expect(bad.issues[0]!.path).toBe('layers.0.units');
    // An experiment file is accepted for its network.
    const fromExperiment = parseNetworkFile(JSON.stringify({ network: { inputShape: [2], layers: [{ type: 'flatten' }] } }));
    expect(fromExperiment.ok).toBe(true);
  });
});

describe('presets', () => {
  it('build valid networks whose shapes check out', () => {
    for (const id of PRESET_IDS) {
      const preset = buildPreset(id);
      expect(preset, id).not.toBeNull();
      expect(NetworkSpec.safeParse({ inputShape: preset!.inputShape, layers: preset!.layers }).success, id).toBe(true);
      expect(
        inferShapes(preset!.inputShape, preset!.layers).every((s) => s.problem === null),
        id,
      ).toBe(true);
    }
    const mlp = buildPreset('mnistMlp')!;
    expect(totalParams(inferShapes(mlp.inputShape, mlp.layers))).toBe(235_146);
    expect(buildPreset('deepTanh')!.layers.filter((l) => l.type === 'dense')).toHaveLength(11);
  });
});

describe('reshape shape check', () => {
  it('turns flat digits into an image and names a count mismatch', () => {
    const ok = inferShapes([784], [{ type: 'reshape', targetShape: [28, 28, 1] }, { type: 'flatten' }]);
    expect(ok.map((s) => s.outputShape)).toEqual([[28, 28, 1], [784]]);
    expect(ok.every((s) => s.problem === null)).toBe(true);
    const bad = inferShapes([784], [{ type: 'reshape', targetShape: [28, 28, 3] }]);
    expect(bad[0]!.problem).toMatchObject({ code: 'countMismatch', params: { shape: '[784]', target: '[28×28×3]' } });
  });
});
