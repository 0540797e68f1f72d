import { describe, expect, it } from 'vitest';
import { ExperimentSpec, filterRuns, formatRunFilter, groupRunsByField, InitScopeError, parseRunFilter, type FilterableRun } from '../../../contract/index.js';

function run(id: string, activation: string, init: string, extra: Partial<FilterableRun> = {}, seed = 1): FilterableRun {
  const experiment = ExperimentSpec.parse({
    name: `exp ${id}`,
    dataset: { builtin: 'spiral' },
    network: {
      inputShape: [2],
      layers: [
        { type: 'dense', units: 8, activation: { name: activation }, kernelInitializer: { name: init } },
        { type: 'dense', units: 2, activation: { name: 'softmax' } },
      ],
    },
    train: { seed },
  });
  return { id, name: `run ${id}`, status: 'completed', experiment, tags: [], notes: '', ...extra };
}

const runs = [
  run('a', 'tanh', 'glorotNormal', { tags: ['baseline'] }),
  run('b', 'relu', 'heNormal', { tags: ['baseline', 'fig3'], notes: 'dead units at depth 6' }),
  run('c', 'tanh', 'heNormal', { status: 'diverged' }, 2),
  run('d', 'relu', 'glorotNormal'),
];
const ids = (filter: string) => filterRuns(runs, parseRunFilter(filter)).map((r) => r.id);

describe('run filters', () => {
  it('matches field values by internal name or label, any case, spaces and dashes ignored', () => {
    expect(ids('activation=tanh')).toEqual(['a', 'c']);
    expect(ids('initializer=heNormal')).toEqual(['b', 'c']);
    expect(ids('init:"he n"')).toEqual(['b', 'c']);
    expect(ids('initializer="Glorot N" activation=ReLU')).toEqual(['d']);
    expect(ids('status=diverged')).toEqual(['c']);
    expect(ids('seed=2')).toEqual(['c']);
    expect(ids('dataset=Spiral optimizer=adam arch=mlp')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ORs values of one field, ANDs fields and free text', () => {
    expect(ids('tag=fig3 tag=baseline')).toEqual(['a', 'b']);
    expect(ids('tag=baseline activation=relu')).toEqual(['b']);
    expect(ids('dead units')).toEqual(['b']);
    expect(ids('tanh glorot')).toEqual(['a']);
    expect(ids('"exp d"')).toEqual(['d']);
    expect(ids('')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('names an unknown field in its error', () => {
    expect(() => parseRunFilter('colour=red')).toThrow(InitScopeError);
    expect(() => parseRunFilter('colour=red')).toThrow(/unknown field "colour"/);
    expect(() => parseRunFilter('tag=')).toThrow(/needs a value/);
  });

  it('writes a filter back as text that parses to the same filter', () => {
    const filter = parseRunFilter('init:"He N" tag=a spiral');
    expect(parseRunFilter(formatRunFilter(filter))).toEqual(filter);
  });

  it('groups by a field in order of first appearance; a run with several tags is in each, untagged ones under ""', () => {
    expect(groupRunsByField(runs, 'activation').map((g) => [g.label, g.runs.map((r) => r.id)])).toEqual([
      ['tanh', ['a', 'c']],
      ['ReLU', ['b', 'd']],
    ]);
    expect(groupRunsByField(runs, 'tag').map((g) => [g.label, g.runs.map((r) => r.id)])).toEqual([
      ['baseline', ['a', 'b']],
      ['fig3', ['b']],
      ['', ['c', 'd']],
    ]);
  });
});
