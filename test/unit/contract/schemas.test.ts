import { describe, expect, it } from 'vitest';
import { ExperimentSpec, InitScopeError, METHODS, METHOD_NAMES, parseOrThrow, RunEvent, toWireError } from '../../../contract/index.js';

const valid = {
  dataset: { builtin: 'spiral' },
  network: {
    inputShape: [2],
    layers: [
      { type: 'dense', units: 4, activation: { name: 'leakyRelu' } },
      { type: 'dense', units: 2 },
    ],
  },
};

function messageOf(value: unknown): string {
  try {
    parseOrThrow(ExperimentSpec, value, 'experiment');
  } catch (e) {
    expect(e).toBeInstanceOf(InitScopeError);
    expect((e as InitScopeError).code).toBe('invalid_input');
    return (e as Error).message;
  }
  throw new Error('expected the spec to be rejected');
}

describe('contract schemas', () => {
  it('fills literature defaults (leaky slope 0.01, Glorot uniform kernels, zero bias)', () => {
    const spec = ExperimentSpec.parse(valid);
    const first = spec.network.layers[0]!;
    expect(first.type === 'dense' && first.activation).toEqual({ name: 'leakyRelu', alpha: 0.01 });
    expect(first.type === 'dense' && first.kernelInitializer).toEqual({ name: 'glorotUniform' });
    expect(first.type === 'dense' && first.biasInitializer).toEqual({ name: 'zeros' });
    expect(spec.train.epochs).toBe(20);
  });

  it.each([
    [{ ...valid, network: { ...valid.network, layers: [{ type: 'dense', units: 0 }] } }, 'network.layers.0.units'],
    [{ ...valid, network: { ...valid.network, layers: [{ type: 'conv3d', units: 2 }] } }, 'network.layers.0.type'],
    [{ ...valid, network: { ...valid.network, layers: [] } }, 'network.layers'],
    [{ ...valid, network: { ...valid.network, layers: [{ type: 'dense', units: 2, activation: { name: 'tanhh' } }] } }, 'network.layers.0.activation.name'],
    [
      { ...valid, network: { ...valid.network, layers: [{ type: 'dense', units: 2, kernelInitializer: { name: 'normal', std: -1 } }] } },
      'network.layers.0.kernelInitializer.std',
    ],
    [{ ...valid, train: { batchSize: 1.5 } }, 'train.batchSize'],
    [{ ...valid, train: { optimizer: { name: 'adam', beta1: 1 } } }, 'train.optimizer.beta1'],
    [{ ...valid, dataset: { builtin: 'spiral', samples: 3 } }, 'dataset.samples'],
    [{ network: valid.network }, 'dataset'],
  ])('rejects a bad spec naming the field %#', (spec, field) => {
    expect(messageOf(spec)).toContain(`${field}:`);
  });

  it('has one schema pair per method name and nothing else', () => {
    expect(Object.keys(METHODS).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('rejects unknown keys in requests (no smuggled fields)', () => {
    expect(METHODS['runs/get'].request.safeParse({ runId: 'a', __proto__x: 1 }).success).toBe(false);
  });

  it('parses run events by type', () => {
    expect(RunEvent.safeParse({ type: 'failed', runId: 'r', error: 'e' }).success).toBe(true);
    expect(RunEvent.safeParse({ type: 'exploded', runId: 'r' }).success).toBe(false);
  });

  it('carries errors as code + message + details', () => {
    expect(toWireError(new InitScopeError('not_found', 'No run', { id: 1 }))).toEqual({ code: 'not_found', message: 'No run', details: { id: 1 } });
    expect(toWireError(new Error('x'))).toEqual({ code: 'internal', message: 'x' });
    expect(InitScopeError.fromWire({ code: 'conflict', message: 'm' }).code).toBe('conflict');
  });
});

describe('JSON text', () => {
  it('locates a syntax error by line and column, or the end of a truncated text', async () => {
    const { parseJsonText, parseJsonOrThrow } = await import('../../../contract/index.js');
    expect(parseJsonText('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    const bad = parseJsonText('{\n  "a": 1,\n  "b": [1,, 2]\n}');
    expect(bad).toMatchObject({ ok: false, error: { line: 3, column: 11 } });
    const cut = parseJsonText('{\n  "a": [1, 2');
    expect(cut).toMatchObject({ ok: false, error: { line: 2, column: 13 } });
    expect(() => parseJsonOrThrow('[1,]', 'x.json')).toThrow(/^x\.json:1:4: invalid JSON/);
  });
});
