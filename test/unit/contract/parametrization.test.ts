import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  autoRunName,
  describeChange,
  ExperimentSpec,
  experimentProblems,
  mupReadout,
  problemText,
  semanticDiff,
  SweepSpec,
  TrainConfig,
} from '../../../contract/index.js';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const facts = { name: 'spiral', inputShape: [2], numClasses: 2 };

/** A spiral experiment 2 → 16 → 16 → 2 with these train settings. */
function exp(train: Record<string, unknown>, layers?: unknown[]) {
  const dense = (units: number, activation: string) => ({ type: 'dense', units, activation: { name: activation } });
  return ExperimentSpec.parse({
    dataset: { builtin: 'spiral' },
    network: { inputShape: [2], layers: layers ?? [dense(16, 'relu'), dense(16, 'relu'), dense(2, 'softmax')] },
    train,
  });
}

describe('train.parametrization', () => {
  it('stored specs without it parse as before, as the standard parametrization', () => {
    for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
      const raw = JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as { train?: Record<string, unknown> };
      const parsed = raw.train && !('axes' in raw) ? ExperimentSpec.safeParse(raw) : SweepSpec.safeParse(raw);
      expect(parsed.success, `${file}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
    }
    expect(TrainConfig.parse({}).parametrization).toEqual({ name: 'standard' });
    expect(TrainConfig.parse({ parametrization: { name: 'mup' } }).parametrization).toEqual({ name: 'mup', baseWidth: 64, outputInit: 'gaussian' });
  });

  it('rejects bad values naming the field', () => {
    const bad = TrainConfig.safeParse({ parametrization: { name: 'mup', baseWidth: 0 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['parametrization', 'baseWidth']);
    expect(TrainConfig.safeParse({ parametrization: { name: 'ntk' } }).success).toBe(false);
    expect(TrainConfig.safeParse({ parametrization: { name: 'standard', baseWidth: 64 } }).success).toBe(false);
  });

  it('a μP experiment with a conv layer, rmsprop, LSUV or no hidden layer is refused on train.parametrization', () => {
    const mup = { name: 'mup', baseWidth: 8 };
    expect(experimentProblems(exp({ parametrization: mup }), facts)).toEqual([]);
    expect(experimentProblems(exp({ parametrization: mup, optimizer: { name: 'sgd' } }), facts)).toEqual([]);
    const texts = (train: Record<string, unknown>, layers?: unknown[]) => experimentProblems(exp(train, layers), facts).map(problemText);
    expect(texts({ parametrization: mup, optimizer: { name: 'rmsprop' } })).toEqual([expect.stringMatching(/^train\.parametrization: .*not rmsprop/)]);
    expect(texts({ parametrization: mup, lsuv: {} })).toEqual([expect.stringMatching(/^train\.parametrization: .*LSUV/)]);
    expect(texts({ parametrization: mup }, [{ type: 'dense', units: 2, activation: { name: 'softmax' } }])).toEqual([
      expect.stringMatching(/^train\.parametrization: .*1 dense layer;/),
    ]);
    const conv = experimentProblems(
      ExperimentSpec.parse({
        dataset: { builtin: 'mnist' },
        network: {
          inputShape: [28, 28, 1],
          layers: [
            { type: 'conv2d', filters: 2, kernelSize: 3, activation: { name: 'relu' } },
            { type: 'flatten' },
            { type: 'dense', units: 16, activation: { name: 'relu' } },
            { type: 'dense', units: 10, activation: { name: 'softmax' } },
          ],
        },
        train: { parametrization: mup },
      }),
      { name: 'mnist', inputShape: [28, 28, 1], numClasses: 10 },
    );
    expect(conv.map((p) => [p.path, p.code, p.params])).toEqual([['train.parametrization', 'mupLayer', { n: 1, type: 'conv2d' }]]);
    expect(conv[0]!.message).toMatch(/layer 0 is conv2d/);
    // the same network under the standard parametrization is fine
    expect(texts({ optimizer: { name: 'rmsprop' }, lsuv: {} })).toEqual([]);
  });

  it('mupReadout: the last dense layer, multiplied by baseWidth / its fan_in', () => {
    const e = exp({ parametrization: { name: 'mup', baseWidth: 4 } });
    expect(mupReadout(e.network, e.train.parametrization)).toEqual({ layer: 2, factor: 4 / 16 });
    expect(mupReadout(e.network, { name: 'standard' })).toBeNull();
  });
});

describe('runs that differ by parametrization say so', () => {
  const sp = exp({ optimizer: { name: 'adam', learningRate: 0.001 } });
  const mup = exp({ optimizer: { name: 'adam', learningRate: 0.001 }, parametrization: { name: 'mup', baseWidth: 64 } });
  it('automatic names: a μP part after the optimizer in place of the initializer; standard names unchanged', () => {
    expect(autoRunName(sp)).toBe('ReLU · Glorot U · Adam 0.001 · seed 1 · Spiral · MLP 16-16-2');
    expect(autoRunName(mup)).toBe('ReLU · Adam 0.001 · μP base 64 · seed 1 · Spiral · MLP 16-16-2'); // μP sets the kernels: no initializer part
  });
  it('the semantic diff: one change of train.parametrization, also against a spec stored without the field', () => {
    const diff = semanticDiff([sp, mup], [[1], [1]]);
    expect(diff.changes).toHaveLength(1);
    expect(describeChange(diff.changes[0]!)).toBe('train.parametrization: standard → μP (base 64, gaussian readout)');
    const { parametrization: _, ...oldTrain } = sp.train;
    const stored = { ...sp, train: oldTrain } as unknown as ExperimentSpec;
    const old = semanticDiff([stored, mup], [[1], [1]]);
    expect(old.changes.map(describeChange)).toEqual(['train.parametrization: standard → μP (base 64, gaussian readout)']);
    expect(semanticDiff([stored, sp], [[1], [1]]).changes).toEqual([]);
  });
});
