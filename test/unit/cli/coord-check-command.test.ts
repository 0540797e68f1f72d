import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoordCheckRequest, type CoordCheckResult } from '../../../contract/index.js';
import { coordCheckRequestFromArgs, formatCoordCheck, parseIntList } from '../../../main/cli/coord-check-command.js';
import { EnginePool } from '../../../main/services/engine-pool.js';
import { experiment } from '../engine/helpers.js';
import { fakeLauncher } from '../services/fake-worker.js';

const result: CoordCheckResult = {
  widths: [64, 128],
  baseWidth: 64,
  steps: 1,
  seeds: 1,
  optimizer: 'adam',
  learningRate: 0.01,
  layers: ['hidden_1', 'output'],
  curves: [{ parametrization: 'mup', cells: [{ step: 1, layer: 0, meanAbs: [0.5, 0.5], slope: 0 }] }],
};

function experimentFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'coord-'));
  const file = path.join(dir, 'exp.json');
  writeFileSync(file, JSON.stringify(experiment()));
  return file;
}

describe('initscope coord-check arguments', () => {
  it('parses widths, steps and options into a request with defaults', () => {
    const file = experimentFile();
    const { request, json } = coordCheckRequestFromArgs([file, '--widths', '64, 128,256', '--steps', '2', '--base-width', '32', '--json']);
    expect(json).toBe(true);
    expect(request).toMatchObject({ widths: [64, 128, 256], steps: 2, seeds: 3, baseWidth: 32, optimizer: 'adam', outputInit: 'gaussian' });
    expect(CoordCheckRequest.safeParse(request).success).toBe(true);
  });

  it('refuses bad options naming them', () => {
    const file = experimentFile();
    expect(() => parseIntList('64,,128', '--widths')).toThrow(/--widths must be comma-separated integers/);
    expect(() => coordCheckRequestFromArgs([file, '--lr', 'fast'])).toThrow(/--lr must be a number/);
    expect(() => coordCheckRequestFromArgs([file, '--widths', '64'])).toThrow(/widths/);
    expect(() => coordCheckRequestFromArgs([file, '--optimizer', 'rmsprop'])).toThrow(/optimizer/);
    expect(() => coordCheckRequestFromArgs([])).toThrow(/needs an experiment file/);
  });

  it('prints one row per parametrization, step and layer with the slope', () => {
    const text = formatCoordCheck(result);
    expect(text).toMatch(/μP\s+1\s+hidden_1\s+0\.500\s+0\.500\s+0\.00/);
  });
});

describe('EnginePool.coordCheck', () => {
  it('sends the request to a ready worker and resolves with its answer; a worker error rejects', async () => {
    const { launcher, workers } = fakeLauncher();
    const pool = new EnginePool({ launcher, size: 1 });
    const request = CoordCheckRequest.parse({ experiment: experiment(), widths: [64, 128] });
    const ok = pool.coordCheck({ request });
    const failing = pool.coordCheck({ request });
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    const [first, second] = workers[0]!.received.filter((m) => m.type === 'coordCheck');
    if (first?.type !== 'coordCheck' || second?.type !== 'coordCheck') throw new Error('coordinate checks were not sent');
    workers[0]!.emit({ type: 'coordCheckResult', requestId: second.requestId, error: 'network.layers.0 is a conv2d layer' });
    workers[0]!.emit({ type: 'coordCheckResult', requestId: first.requestId, result });
    await expect(ok).resolves.toEqual(result);
    await expect(failing).rejects.toThrow(/Coordinate check failed: network\.layers\.0/);
    await pool.close(10);
  });
});
