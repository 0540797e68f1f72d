import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InitScopeError, lineAndColumn } from '../../../contract/index.js';
import { readExperimentFile } from '../../../main/cli/read-experiment.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-cli-'));
function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
function errorOf(fn: () => unknown): InitScopeError {
  try {
    fn();
  } catch (e) {
    return e as InitScopeError;
  }
  throw new Error('expected an error');
}

describe('readExperimentFile', () => {
  it('reads the shipped example with defaults filled in', () => {
    const spec = readExperimentFile(path.resolve(import.meta.dirname, '../../../examples/spiral-tanh-glorot.json'));
    expect(spec.dataset).toMatchObject({ builtin: 'spiral' });
    expect(spec.network.layers).toHaveLength(3);
    expect(spec.train.optimizer).toMatchObject({ name: 'adam', learningRate: 0.01, beta1: 0.9 });
  });

  it('names the file, line and column of a JSON syntax error', () => {
    const file = write('broken.json', '{\n  "name": "x",\n  "dataset": { "builtin": "spiral" ,, }\n}');
    const error = errorOf(() => readExperimentFile(file));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain(`${file}:3:`);
  });

  it('names every invalid field', () => {
    const file = write(
      'bad.json',
      JSON.stringify({
        dataset: { builtin: 'moons' },
        network: { inputShape: [2], layers: [{ type: 'dense', units: 0 }] },
        train: { optimizer: { name: 'adam', learningRate: -1 } },
      }),
    );
    const error = errorOf(() => readExperimentFile(file));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('dataset.builtin');
    expect(error.message).toContain('network.layers.0.units');
    expect(error.message).toContain('train.optimizer.learningRate');
  });

  it('reports a missing file by name', () => {
    const error = errorOf(() => readExperimentFile(path.join(dir, 'nope.json')));
    expect(error.message).toMatch(/nope\.json: cannot read/);
  });

  it('converts offsets to 1-based lines and columns', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
