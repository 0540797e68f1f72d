import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataInitConfig, EngineProvenance, ExperimentSpec, experimentProblems, TrainConfig } from '../../../contract/index.js';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const facts = { name: 'spiral', inputShape: [2], numClasses: 2 };

/** A spiral experiment 2 → 16 → 16 → 2 with these train settings. */
function exp(train: Record<string, unknown>) {
  const dense = (units: number, activation: string) => ({ type: 'dense', units, activation: { name: activation } });
  return ExperimentSpec.parse({
    dataset: { builtin: 'spiral' },
    network: { inputShape: [2], layers: [dense(16, 'relu'), dense(16, 'relu'), dense(2, 'softmax')] },
    train,
  });
}

describe('train.dataInit', () => {
  it('stored specs without it parse as before, with the init off', () => {
    expect(TrainConfig.parse({}).dataInit).toBeNull();
    for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
      const raw = JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as { train?: unknown };
      if (!raw.train) continue;
      expect(TrainConfig.parse(raw.train).dataInit, file).toBeNull();
    }
  });

  it('defaults targetStd 1 and batchSize 256; is strict and bounded', () => {
    expect(DataInitConfig.parse({})).toEqual({ targetStd: 1, batchSize: 256 });
    expect(TrainConfig.parse({ dataInit: { targetStd: 0.5 } }).dataInit).toEqual({ targetStd: 0.5, batchSize: 256 });
    expect(TrainConfig.safeParse({ dataInit: { targetStd: 0 } }).success).toBe(false);
    expect(TrainConfig.safeParse({ dataInit: { batchSize: 1 } }).success).toBe(false);
    expect(TrainConfig.safeParse({ dataInit: { batchSize: 2.5 } }).success).toBe(false);
    expect(TrainConfig.safeParse({ dataInit: { targetStd: 1, tolerance: 0.1 } }).success).toBe(false);
  });

  it('is refused together with LSUV or μP, on train.dataInit', () => {
    expect(experimentProblems(exp({ dataInit: {} }), facts)).toEqual([]);
    const withLsuv = experimentProblems(exp({ dataInit: {}, lsuv: {} }), facts);
    expect(withLsuv.map((p) => [p.path, p.code])).toEqual([['train.dataInit', 'dataInitLsuv']]);
    expect(withLsuv[0]!.message).toMatch(/train\.dataInit.*LSUV/);
    const withMup = experimentProblems(exp({ dataInit: {}, parametrization: { name: 'mup', baseWidth: 8 } }), facts);
    expect(withMup.map((p) => [p.path, p.code])).toEqual([['train.dataInit', 'dataInitMup']]);
    expect(withMup[0]!.message).toMatch(/train\.dataInit/);
  });

  it('provenance without dataInit parses; a record with it keeps it', () => {
    const base = EngineProvenance.shape;
    expect(base.dataInit.safeParse(undefined).success).toBe(true);
    const layer = {
      layer: 'dense_0',
      index: 0,
      units: 16,
      scaleMin: 0.5,
      scaleMedian: 1,
      scaleMax: 2,
      meanBiasShift: 0.1,
      hasBias: true,
      deadUnits: 0,
      maxAbsMeanAfter: 1e-7,
      stdMinAfter: 0.9999,
      stdMaxAfter: 1.0001,
    };
    expect(base.dataInit.parse([layer])).toEqual([layer]);
  });
});
