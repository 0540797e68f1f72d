import { describe, expect, it } from 'vitest';
import {
  closestName,
  editDistance,
  estimateTrainingMemory,
  ExperimentSpec,
  experimentProblems,
  MAX_TRAINING_BYTES,
  parseLenient,
  parseOrThrow,
  SweepSpec,
  type DatasetFacts,
  type ExperimentInput,
} from '../../../contract/index.js';

const spiral: DatasetFacts = { name: 'spiral', inputShape: [2], numClasses: 2 };
const mnist: DatasetFacts = { name: 'mnist', inputShape: [784], numClasses: 10 };
const plane: DatasetFacts = { name: 'plane', inputShape: [2], numClasses: 0 };

const exp = (network: ExperimentInput['network'], train: ExperimentInput['train'] = {}): ExperimentSpec =>
  ExperimentSpec.parse({ dataset: { builtin: 'spiral' }, network, train });
const dense = (units: number, activation = 'linear') => ({ type: 'dense' as const, units, activation: { name: activation } as never });

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe('did you mean', () => {
  it('measures edit distance as insertions, deletions and substitutions', () => {
    expect(editDistance('epochz', 'epochs')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('suggests only plausible typos, case-insensitively', () => {
    expect(closestName('epochz', ['epochs', 'batchSize'])).toBe('epochs');
    expect(closestName('BatchSize', ['epochs', 'batchSize'])).toBe('batchSize');
    expect(closestName('lr', ['epochs', 'learningRate'])).toBeNull();
  });

  it('refuses unknown keys at every level, naming the key path and the closest known key', () => {
    const message = messageOf(() =>
      parseOrThrow(
        ExperimentSpec,
        {
          dataset: { builtin: 'spiral', sampels: 100 },
          network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activaton: { name: 'tanh' } }] },
          train: { epochz: 3, optimizer: { name: 'adam', learningrate: 0.1 } },
        },
        'experiment',
      ),
    );
    expect(message).toContain('train.epochz: unknown key (did you mean `epochs`?)');
    expect(message).toContain('dataset.sampels: unknown key (did you mean `samples`?)');
    expect(message).toContain('network.layers.0.activaton: unknown key (did you mean `activation`?)');
    expect(message).toContain('train.optimizer.learningrate: unknown key (did you mean `learningRate`?)');
  });

  it('lists the known keys when nothing is close, and names an unknown type with its closest value', () => {
    const message = messageOf(() =>
      parseOrThrow(
        ExperimentSpec,
        { dataset: { builtin: 'spiral' }, network: { inputShape: [2], layers: [{ type: 'dense2', units: 2 }] }, zzz: 1 },
        'experiment',
      ),
    );
    expect(message).toContain('zzz: unknown key (known keys: name, dataset, network, train)');
    expect(message).toContain('network.layers.0.type: unknown value "dense2" (did you mean "dense"?)');
  });

  it('applies to sweep files too', () => {
    const message = messageOf(() =>
      parseOrThrow(SweepSpec, { base: { dataset: { builtin: 'spiral' }, network: { inputShape: [2], layers: [dense(2)] } }, axes: { seedz: 2 } }, 'sweep'),
    );
    expect(message).toContain('axes.seedz: unknown key (did you mean `seeds`?)');
  });

  it('reads stored specs leniently: unknown keys are dropped and listed, other problems still fail', () => {
    const stored = { dataset: { builtin: 'spiral' }, network: { inputShape: [2], oldKey: 1, layers: [{ ...dense(2), gone: true }] }, train: { epochz: 1 } };
    const result = parseLenient(ExperimentSpec, stored);
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.value.droppedKeys.sort()).toEqual(['network.layers.0.gone', 'network.oldKey', 'train.epochz']);
    expect(result.value.data.train.epochs).toBe(20);
    expect(stored.network.oldKey).toBe(1); // the input itself is left alone
    expect(parseLenient(ExperimentSpec, { ...stored, network: { inputShape: [2], layers: [] } }).success).toBe(false);
  });
});

describe('experiment checks before anything runs', () => {
  const problems = (e: ExperimentSpec, d: DatasetFacts) => experimentProblems(e, d).map((p) => [p.path, p.code, p.params.shapeCode ?? null]);

  it('accepts the usual networks', () => {
    expect(experimentProblems(exp({ inputShape: [2], layers: [dense(16, 'tanh'), dense(2, 'softmax')] }), spiral)).toEqual([]);
    expect(experimentProblems(exp({ inputShape: [2], layers: [dense(8, 'tanh'), dense(1)] }, { loss: 'meanSquaredError' }), plane)).toEqual([]);
  });

  it('names a conv on a flat input and a dense layer after a conv without flatten', () => {
    expect(problems(exp({ inputShape: [784], layers: [{ type: 'conv2d', filters: 4 }, dense(10)] }), mnist)).toEqual([
      ['network.layers.0', 'shape', 'needsImage'],
    ]);
    const noFlatten = exp({ inputShape: [784], layers: [{ type: 'reshape', targetShape: [28, 28, 1] }, { type: 'conv2d', filters: 4 }, dense(10, 'softmax')] });
    expect(problems(noFlatten, mnist)).toEqual([['network.layers.2', 'shape', 'needsFlat']]);
  });

  it('names output units that do not fit the loss and classes', () => {
    const softmax3 = exp({ inputShape: [2], layers: [dense(8, 'relu'), dense(3, 'softmax')] });
    expect(problems(softmax3, spiral)).toEqual([['network.layers.1.units', 'outputUnits', null]]);
    const binary2 = exp({ inputShape: [2], layers: [dense(8, 'relu'), dense(2, 'sigmoid')] }, { loss: 'binaryCrossentropy' });
    expect(problems(binary2, spiral)).toEqual([['network.layers.1.units', 'outputUnits', null]]);
    const binaryMany = exp({ inputShape: [784], layers: [dense(1, 'sigmoid')] }, { loss: 'binaryCrossentropy' });
    expect(problems(binaryMany, mnist)).toEqual([['train.loss', 'binaryClasses', null]]);
    const lastDropout = exp({ inputShape: [2], layers: [dense(2, 'softmax'), { type: 'dropout', rate: 0.1 }] });
    expect(problems(lastDropout, spiral)).toEqual([['network.layers.1', 'lastLayer', null]]);
  });

  it('names a classification loss or an accuracy early stop on a regression set, and a wrong input shape', () => {
    expect(problems(exp({ inputShape: [2], layers: [dense(1)] }), plane)).toEqual([['train.loss', 'regressionLoss', null]]);
    const accStop = exp({ inputShape: [2], layers: [dense(1)] }, { loss: 'meanSquaredError', earlyStop: { metric: 'valAcc', target: 0.9 } });
    expect(problems(accStop, plane)).toEqual([['train.earlyStop.metric', 'regressionAccuracy', null]]);
    expect(problems(exp({ inputShape: [3], layers: [dense(2, 'softmax')] }), spiral)).toEqual([['network.inputShape', 'inputShape', null]]);
  });

  it('refuses the 2×32768-unit network with its estimate and the limit', () => {
    const huge = exp({ inputShape: [2], layers: [dense(32768, 'relu'), dense(32768, 'relu'), dense(2, 'softmax')] });
    // 2·32768+32768 + 32768²+32768 + 32768·2+2 = 1,073,938,434 parameters, 4 bytes each, ×4 with gradients and Adam's moments.
    const [problem, ...rest] = experimentProblems(huge, spiral);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ path: 'network', code: 'tooLarge', params: { limit: '1.50 GiB' } });
    expect(problem!.message).toMatch(
      /^training needs an estimated 16\.1 GiB \(1,073,938,434 parameters: weights 4\.00 GiB, gradients 4\.00 GiB, adam state 8\.00 GiB, activations for 128 samples 64\.0 MiB\), over the limit of 1\.50 GiB/,
    );
  });
});

describe('memory estimate', () => {
  it('counts weights, gradients, Adam moments and activations like a hand count', () => {
    // dense 4→3 (15 params), batchNorm over 3 (6 trainable + 6 moving statistics), dense 3→2 (8 params).
    const network = exp({ inputShape: [4], layers: [dense(3, 'relu'), { type: 'batchNorm' }, dense(2, 'softmax')] }).network;
    const e = estimateTrainingMemory(network, { batchSize: 8, probeSize: 5, optimizer: { name: 'adam' } });
    const P = 15 + 6 + 8;
    const S = 6;
    const perSample = 4 + 2 * (3 + 3 + 2);
    expect(e).toMatchObject({ params: P, state: S, slots: 2, batch: 8, activationsPerSample: perSample });
    expect(e.totalBytes).toBe(4 * (P + S) + 4 * P + 4 * 2 * P + 4 * 8 * perSample);
    // The probe batch counts when it is larger; the training samples cap both; sgd keeps no slots.
    expect(estimateTrainingMemory(network, { batchSize: 8, probeSize: 128, optimizer: { name: 'sgd' } }, 50)).toMatchObject({
      batch: 50,
      slots: 0,
      optimizerBytes: 0,
    });
    expect(MAX_TRAINING_BYTES).toBe(1.5 * 1024 ** 3);
  });
});
