import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BoundaryEvent, InitScopeError, type BoundaryGrid, type BoundaryPoints, type RunEvent } from '../../../contract/index.js';
import { boundaryFilePath, readBoundaryFile, writeBoundaryFile } from '../../../main/services/boundary-file.js';
import { BoundaryService } from '../../../main/services/boundary-service.js';

const POINTS: BoundaryPoints = {
  train: { x: [0, 1], y: [1, 0], label: [0, 1] },
  validation: { x: [0.5], y: [0.5], label: [1] },
  test: { x: [], y: [], label: [] },
};

/** A 2×2 picture after `step` whose cells are all of class `cls`. */
function grid(step: number, cls: number): BoundaryGrid {
  return {
    step,
    epoch: 0,
    resolution: 2,
    x: { min: -1, max: 1 },
    y: { min: -1, max: 1 },
    field: { kind: 'classes', numClasses: 2, classes: [cls, cls, cls, cls], confidence: [0.9, 0.8, 0.7, 0.6] },
  };
}

let dataDir: string;
let pictures: Array<(e: BoundaryEvent) => void>;
let runEvents: Array<(e: RunEvent) => void>;
let service: BoundaryService;
const known = new Set(['run_a', 'run_b']);

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'initscope-boundary-'));
  pictures = [];
  runEvents = [];
  service = new BoundaryService(
    { onBoundary: (l) => (pictures.push(l), () => {}), onEvent: (l) => (runEvents.push(l), () => {}) },
    { write: (s) => writeBoundaryFile(dataDir, s), read: (id) => readBoundaryFile(dataDir, id) },
    (id) => {
      if (!known.has(id)) throw new InitScopeError('not_found', `No run with id ${id}`);
    },
  );
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const picture = (e: Omit<BoundaryEvent, 'type'>) => pictures.forEach((l) => l(BoundaryEvent.parse({ type: 'boundary', ...e })));
const runEvent = (e: RunEvent) => runEvents.forEach((l) => l(e));

describe('BoundaryService', () => {
  it('keeps the latest picture of a running run (with the points of its first), passes pictures on, stores the final one', () => {
    const heard: BoundaryEvent[] = [];
    service.onEvent((e) => heard.push(e));
    expect(service.get('run_a')).toBeNull();
    picture({ runId: 'run_a', grid: grid(0, 0), points: POINTS });
    picture({ runId: 'run_a', grid: grid(5, 1) });
    expect(heard.map((e) => e.grid.step)).toEqual([0, 5]);
    expect(service.get('run_a')).toEqual({ runId: 'run_a', grid: grid(5, 1), points: POINTS, final: false });
    expect(readBoundaryFile(dataDir, 'run_a')).toBeNull();
    picture({ runId: 'run_a', grid: grid(10, 0), final: true });
    runEvent({ type: 'finished', runId: 'run_a', metrics: { trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5 }, epochs: 1, durationMs: 1 });
    // Reopened (a new service over the same folder, as after a restart): the final picture.
    const stored = readBoundaryFile(dataDir, 'run_a');
    expect(stored).toEqual({ runId: 'run_a', grid: grid(10, 0), points: POINTS, final: true });
    expect(service.get('run_a')).toEqual(stored);
  });

  it('stores the last picture of a run that ends without a final one (diverged), and none for a run without pictures', () => {
    picture({ runId: 'run_b', grid: grid(0, 1), points: POINTS });
    picture({ runId: 'run_b', grid: grid(3, 0) });
    runEvent({ type: 'diverged', runId: 'run_b', step: 4, epoch: 1, layer: null, metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null } });
    runEvent({ type: 'failed', runId: 'run_a', error: 'x' });
    expect(readBoundaryFile(dataDir, 'run_b')?.grid.step).toBe(3);
    expect(service.get('run_a')).toBeNull();
  });

  it('drops a picture without points to draw on, and refuses unknown runs', () => {
    picture({ runId: 'run_a', grid: grid(3, 0) });
    expect(service.get('run_a')).toBeNull();
    expect(() => service.get('run_zzz')).toThrow(/No run with id run_zzz/);
  });

  it('a stored picture that cannot be read is an error naming its file, and the file is left as it was', () => {
    writeBoundaryFile(dataDir, { runId: 'run_a', grid: grid(1, 0), points: POINTS, final: true });
    const path = boundaryFilePath(dataDir, 'run_a');
    writeFileSync(path, 'not gzip');
    expect(() => service.get('run_a')).toThrow(path);
    const broken = { runId: 'run_a', grid: { ...grid(1, 0), resolution: 3 }, points: POINTS, final: true };
    writeFileSync(path, gzipSync(JSON.stringify(broken)));
    expect(() => service.get('run_a')).toThrow(/grid\.field\.classes: has 4 values, expected resolution² = 9/);
    expect(readFileSync(path)).toEqual(gzipSync(JSON.stringify(broken)));
    writeFileSync(path, gzipSync(JSON.stringify({ ...broken, runId: 'run_b', grid: grid(1, 0) })));
    expect(() => service.get('run_a')).toThrow(/belongs to run run_b/);
  });
});
