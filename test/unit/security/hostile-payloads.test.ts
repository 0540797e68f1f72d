import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentSpec, METHOD_NAMES, METHODS, type MethodName } from '../../../contract/index.js';
import { createHostServices } from '../../../main/services/create-host.js';
import { dispatch } from '../../../main/services/dispatch.js';
import type { HostServices } from '../../../main/services/host-services.js';
import type { WorkerHandle } from '../../../main/services/worker-launcher.js';
import { openDatabase } from '../../../main/store/index.js';

/** A worker that never becomes ready: nothing a payload might start can train or change the store later. */
const inertWorker = (): WorkerHandle => ({ pid: undefined, send() {}, onMessage() {}, onExit() {}, kill() {} });

let dataDir: string;
let services: HostServices;
let runId: string;

const experiment = ExperimentSpec.parse({
  dataset: { builtin: 'spiral', samples: 100 },
  network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activation: { name: 'softmax' } }] },
  train: { epochs: 1 },
});

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-hostile-'));
  services = await createHostServices({ dataDir, shell: 'cli', workers: 1, launcher: inertWorker });
  runId = (await services.handlers['runs/start']({ experiment })).id; // a stored run the payloads aim at
});

afterAll(async () => {
  await services?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every row of every table, and every file under the data folder (name and size), as one string. */
function snapshot(): string {
  const db = openDatabase(path.join(dataDir, 'initscope.db'));
  try {
    const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    const rows = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all()]));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (/\.db-(wal|shm)$/.test(name)) continue; // journal files, covered by the rows
        const s = statSync(p);
        if (s.isDirectory()) walk(p);
        else files.push(`${path.relative(dataDir, p)}:${s.size}`);
      }
    };
    walk(dataDir);
    return JSON.stringify({ rows, files: files.sort() });
  } finally {
    db.close();
  }
}

const TRAVERSAL = ['../../../../etc/passwd', '..\\..\\windows\\system32', '/etc/passwd', 'run_x/../../escape', '%2e%2e%2fetc', 'a\u0000b'];
const POLLUTION = [
  JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown,
  JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}') as unknown,
  JSON.parse('{"prototype":{"polluted":"yes"}}') as unknown,
];
const deep = (() => {
  let v: unknown = {};
  for (let i = 0; i < 1000; i++) v = { a: v };
  return v;
})();
const huge = new Array(200_000).fill('x');

/** Payloads every method must refuse (beyond what its schema accepts). */
function genericPayloads(method: MethodName): unknown[] {
  // `{}` is hostile only where the method needs fields (not where all are optional, e.g. runs/list's filter).
  const empty = METHODS[method].request.safeParse({}).success;
  return [42, 'runs', true, [], huge, ...(empty ? [] : [{}]), { unexpected: 1 }, deep, ...POLLUTION, { ...(POLLUTION[0] as object), runId }];
}

const experimentWith = (patch: (e: Record<string, unknown>) => void) => {
  const e = JSON.parse(JSON.stringify(experiment)) as Record<string, unknown>;
  patch(e);
  return e;
};

/** Payloads aimed at a method's own fields: wrong types, huge arrays, traversal in ids and file names. */
function targetedPayloads(method: MethodName): unknown[] {
  const ids = (field: string, extra: Record<string, unknown> = {}) => [
    ...TRAVERSAL.map((v) => ({ [field]: v, ...extra })),
    { [field]: '__proto__', ...extra },
    { [field]: 'constructor', ...extra },
    { [field]: 'x'.repeat(1_000_000), ...extra },
    { [field]: { $gt: '' }, ...extra },
    { [field]: [runId], ...extra },
    { [field]: null, ...extra },
    { [field]: 7, ...extra },
  ];
  const badExperiments = [
    experimentWith((e) => ((e.network as { layers: unknown[] }).layers = new Array(100_000).fill({ type: 'dense', units: 2 }))),
    experimentWith((e) => ((e.network as { inputShape: unknown }).inputShape = [2 ** 31])),
    experimentWith((e) => ((e.network as { layers: { units: number }[] }).layers[0]!.units = 1e9)),
    experimentWith((e) => ((e.train as { epochs: number }).epochs = -1)),
    experimentWith((e) => (e.dataset = { id: '../../../etc/passwd' })),
    experimentWith((e) => (e.dataset = JSON.parse('{"builtin":"spiral","__proto__":{"polluted":"yes"}}'))),
    experimentWith((e) => ((e.network as { layers: unknown[] }).layers = [JSON.parse('{"type":"dense","units":2,"__proto__":{"polluted":"yes"}}')])),
    experimentWith((e) => (e.name = 'x'.repeat(100_000))),
  ];
  switch (method) {
    case 'runs/cancel':
    case 'runs/get':
    case 'runs/reproduce':
    case 'runs/reproduction':
    case 'runs/boundary':
      return ids('runId');
    case 'runs/metrics':
    case 'runs/layerStats':
    case 'runs/stepLosses':
      return [...ids('runId'), { runId, maxPoints: -1 }, { runId, maxPoints: 1e12 }, { runId, maxPoints: '10' }, { runId, maxPoints: 2.5 }];
    case 'runs/export':
      return [...ids('runId', { format: 'onnx' }), { runId, format: '../../tmp/x' }, { runId, format: 'tfjs', outDir: '/tmp' }, { runId }];
    case 'runs/start':
      return badExperiments.map((e) => ({ experiment: e }));
    case 'runs/list':
      return [{ filter: 'colour=red' }, { filter: 'x'.repeat(1001) }, { filter: 7 }, { limit: 0 }, { offset: -1 }, { limit: 1e12 }];
    case 'runs/rename':
      return [...ids('runId', { name: 'x' }), { runId, name: '' }, { runId, name: '  ' }, { runId, name: 'a\nb' }, { runId, name: 'x'.repeat(201) }, { runId }];
    case 'runs/tag':
      return [
        ...ids('runId', { add: ['a'] }),
        { runId, add: ['has space'] },
        { runId, add: ['x'.repeat(41)] },
        { runId, add: ['"'] },
        { runId, add: new Array(33).fill('a') },
        { runId, add: huge },
        { runId, remove: [7] },
      ];
    case 'runs/setNotes':
      return [...ids('runId', { notes: 'n' }), { runId, notes: 'x'.repeat(20_001) }, { runId, notes: null }, { runId }];
    case 'runs/delete':
      // The stored run is queued (the inert worker never starts it): refused as a conflict, nothing deleted.
      return [...ids('runId'), { runId }];
    case 'engine/preview':
      return [
        ...badExperiments.map((e) => ({ experiment: e })),
        { experiment, initializers: new Array(10_000).fill({ name: 'zeros' }) },
        { experiment, probeSize: 1e9 },
      ];
    case 'lab/phase':
      return [
        { activation: { name: 'tanh' }, weightVariance: { min: 0, max: 4, steps: 1e6 } },
        { activation: { name: 'tanh' }, biasVariance: { min: 1, max: 0, steps: 5 } },
        { activation: { name: 'softmax' } },
        { activation: POLLUTION[0] },
        // The experiments whose network itself is hostile (the others differ outside the network).
        ...[0, 1, 2, 6].map((i) => ({ activation: { name: 'tanh' }, network: (badExperiments[i] as { network: unknown }).network })),
      ];
    case 'lab/jacobian':
      return [...ids('runId'), ...badExperiments.map((e) => ({ experiment: e })), { experiment, probes: 1e6 }, { experiment, runId }, {}];
    case 'lab/coordCheck':
      return [
        ...badExperiments.map((e) => ({ experiment: e, widths: [8, 16] })),
        { experiment, widths: [8, 8] },
        { experiment, widths: [8, 1e9] },
        { experiment, widths: new Array(10_000).fill(8) },
        { experiment, widths: [8, 16], steps: 1e9 },
        { experiment, widths: [8, 16], extra: 1 },
      ];
    case 'sweeps/plan':
    case 'sweeps/start':
      return [
        { sweep: huge },
        { sweep: { base: experiment, axes: huge } },
        { sweep: POLLUTION[0] },
        ...badExperiments.map((e) => ({ sweep: { name: 's', base: e, axes: {} } })),
      ];
    case 'sweeps/get':
    case 'sweeps/cancel':
    case 'sweeps/resume':
    case 'sweeps/export':
      return ids('sweepId');
    case 'sweeps/analysis':
      return [...ids('sweepId'), { sweepId: 'sw_x', metric: 'rm -rf' }, { sweepId: 'sw_x', fixed: POLLUTION[0] }];
    case 'sweeps/summary':
      return [...ids('sweepId'), { sweepId: 'sw_x', metric: 'rm -rf' }, { sweepId: 'sw_x', fixed: POLLUTION[0] }];
    case 'datasets/delete':
      return [...ids('id'), { id: 'ds_0123456789abcdef/../../x' }];
    case 'datasets/preview':
    case 'datasets/import':
      return [
        ...TRAVERSAL.map((p) => ({ path: p, format: 'idx' })),
        { path: path.join(dataDir, 'initscope.db'), format: 'csv' }, // the app's own database is not a dataset
        { path: '/etc/passwd', format: 'csv', name: '../../escape' },
        { path: '/etc/passwd', format: 'idx', labelsPath: '../../../../etc/shadow' },
        { path: 'x', features: new Array(200_000).fill('f') },
        { path: 'x', imageShape: [1e6, 1e6] },
      ];
    default:
      return [];
  }
}

describe('hostile payloads to every contract method are refused and change nothing', () => {
  it.each(METHOD_NAMES.map((m) => [m]))(
    '%s',
    async (method) => {
      const before = snapshot();
      const payloads = [...genericPayloads(method), ...targetedPayloads(method)];
      for (const payload of payloads) {
        const result = await dispatch(services.handlers, method, payload);
        const shown = JSON.stringify(payload)?.slice(0, 120);
        expect(result.ok, `${method} accepted ${shown}`).toBe(false);
        if (!result.ok)
          expect(['invalid_input', 'not_found', 'conflict'], `${method} ${shown}: ${result.error.code} ${result.error.message.slice(0, 200)}`).toContain(
            result.error.code,
          );
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
      }
      expect(snapshot()).toBe(before);
    },
    60_000,
  );

  it('unknown and prototype method names are refused', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'runs/../app/info', 'runs/destroy']) {
      expect(await dispatch(services.handlers, name, {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
  });
});
