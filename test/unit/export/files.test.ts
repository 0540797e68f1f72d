import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentSpec, NetworkSpec } from '../../../contract/index.js';
import { encodeVarint } from '../../../main/export/onnx/protobuf-writer.js';
import { tfPads } from '../../../main/export/onnx/network-graph.js';
import { metricsCsv } from '../../../main/export/report/metrics-csv.js';
import { specFromJson, specToJson } from '../../../main/export/spec-json.js';
import { checkNamedWeights, readWeightsFiles, writeWeightsFiles } from '../../../main/export/weights-file.js';
import { sha256Hex } from '../../../main/export/hash.js';
import { ArtifactStore, openDatabase, RunStore } from '../../../main/store/index.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'initscope-files-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('protobuf varints (the ONNX encoder)', () => {
  it('match the protobuf spec examples', () => {
    expect([...encodeVarint(1n)]).toEqual([0x01]);
    expect([...encodeVarint(150n)]).toEqual([0x96, 0x01]); // protobuf.dev encoding guide
    expect([...encodeVarint(300n)]).toEqual([0xac, 0x02]);
    expect(encodeVarint(-1n)).toHaveLength(10); // int64 −1: two's complement, 10 bytes
  });
});

describe("TensorFlow 'same' padding as ONNX pads", () => {
  it('puts the odd pixel at the bottom/right, none for valid', () => {
    expect(tfPads('same', [7, 6], [3, 3], [2, 2])).toEqual([1, 0, 1, 1]); // 7: out 4, total 2; 6: out 3, total 1
    expect(tfPads('same', [4, 4], [2, 2], [1, 1])).toEqual([0, 0, 1, 1]);
    expect(tfPads('valid', [7, 6], [3, 3], [2, 2])).toEqual([0, 0, 0, 0]);
  });
});

describe('weights files', () => {
  const weights = [
    { name: 'dense_0/kernel', shape: [2, 3], values: Float32Array.from([1, -2, 3.5, 1e-8, -0, 7]) },
    { name: 'dense_0/bias', shape: [3], values: Float32Array.from([0.1, 0.2, 0.3]) },
  ];

  it('round-trip exactly and detect a changed byte', () => {
    const dir = tempDir();
    const { binPath } = writeWeightsFiles(dir, 'run_a', weights);
    const back = readWeightsFiles(dir);
    expect(back.map((w) => [w.name, w.shape, Array.from(w.values)])).toEqual(weights.map((w) => [w.name, w.shape, Array.from(w.values)]));
    const bytes = readFileSync(binPath);
    bytes[5] = bytes[5]! ^ 0xff;
    writeFileSync(binPath, bytes);
    expect(() => readWeightsFiles(dir)).toThrow(/sha256 does not match/);
  });

  it('write little-endian float32 bits, views into a larger buffer included, and report the hashes of the bytes on disk', () => {
    const backing = new Float32Array(8);
    const bits = new Uint32Array(backing.buffer);
    bits.set([0x3f800000, 0x12345678, 0x00000001, 0x80000000, 0xff800000, 0x7fc01234, 0xdeadbeef, 0x40490fdb]);
    const view = backing.subarray(2, 6); // byteOffset 8: a worker message's tensors may be such views
    const written = writeWeightsFiles(tempDir(), 'run_b', [
      { name: 'dense_0/kernel', shape: [2, 2], values: view },
      { name: 'dense_0/bias', shape: [2], values: backing.subarray(6, 8) },
    ]);
    const bytes = readFileSync(written.binPath);
    // Independent reference: each value's uint32 bits, written least significant byte first.
    const expected = [0x00000001, 0x80000000, 0xff800000, 0x7fc01234, 0xdeadbeef, 0x40490fdb].flatMap((u) => [
      u & 0xff,
      (u >>> 8) & 0xff,
      (u >>> 16) & 0xff,
      u >>> 24,
    ]);
    expect([...bytes]).toEqual(expected);
    for (const file of written.files) {
      const onDisk = readFileSync(file.path);
      expect(file).toEqual({ path: file.path, sha256: sha256Hex(onDisk), bytes: onDisk.byteLength });
    }
    expect(written.files.map((f) => f.path)).toEqual([written.binPath, written.manifestPath]);
  });

  it('refuse malformed tensors from a worker, naming the tensor', () => {
    expect(() => checkNamedWeights('x')).toThrow(/array/);
    expect(() => checkNamedWeights([{ name: '../../etc/passwd', shape: [1], values: new Float32Array(1) }])).toThrow(/bad name/);
    expect(() => checkNamedWeights([{ name: 'dense_0/kernel', shape: [2, 2], values: new Float32Array(3) }])).toThrow(/dense_0\/kernel.*4 numbers/);
    expect(() => checkNamedWeights([{ name: 'dense_0/kernel', shape: [-1], values: new Float32Array(0) }])).toThrow(/bad shape/);
    expect(() => checkNamedWeights([weights[1], weights[1]])).toThrow(/duplicate/);
    expect(() => checkNamedWeights([{ name: 'dense_0/bias', shape: [2], values: [1, 2] }])).toThrow(/Float32Array/);
  });
});

describe('spec JSON export and import', () => {
  const network = NetworkSpec.parse({ inputShape: [2], layers: [{ type: 'dense', units: 3, activation: { name: 'leakyRelu', alpha: 0.2 } }] });

  it('a network and an experiment read back equal (defaults filled in)', () => {
    expect(specFromJson('network', specToJson('network', network), 'net.json')).toEqual(network);
    const experiment = ExperimentSpec.parse({ dataset: { builtin: 'xor' }, network, train: { seed: 9 } });
    expect(specFromJson('experiment', specToJson('experiment', experiment), 'exp.json')).toEqual(experiment);
    expect(specFromJson('network', JSON.stringify(network), 'bare.json')).toEqual(network); // a bare spec works too
  });

  it('errors name the file, the line and column, or the bad field', () => {
    expect(() => specFromJson('network', '{\n  "inputShape": [2],\n  "layers": [ }', 'net.json')).toThrow(/net\.json:3:15: invalid JSON/);
    expect(() => specFromJson('network', JSON.stringify({ inputShape: [2], layers: [{ type: 'dense', units: 0 }] }), 'net.json')).toThrow(
      /net\.json: layers\.0\.units/,
    );
    expect(() => specFromJson('experiment', specToJson('network', network), 'x.json')).toThrow(/holds "initscope\.network", expected "initscope\.experiment"/);
  });
});

describe('metrics CSV', () => {
  it('writes one row per point, empty cells for missing values, exact numbers', () => {
    const csv = metricsCsv([
      { runId: 'run,1', points: [{ epoch: 1, step: 10, trainLoss: 0.1 + 0.2, trainAcc: 0.5, valLoss: null, valAcc: null, elapsedMs: 12.5 }] },
    ]);
    expect(csv).toBe('run_id,epoch,step,train_loss,train_acc,val_loss,val_acc,elapsed_ms\r\n"run,1",1,10,0.30000000000000004,0.5,,,12.5\r\n');
  });
});

describe('ArtifactStore (migration 0005)', () => {
  it('records files with their hashes, lists them per run, refuses bad input atomically', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'a.db'));
    try {
      const runs = new RunStore(db);
      runs.createRun({
        id: 'run_1',
        name: 'r',
        experiment: ExperimentSpec.parse({ dataset: { builtin: 'xor' }, network: { inputShape: [2], layers: [{ type: 'dense', units: 2 }] } }),
        createdAt: new Date(0).toISOString(),
        appVersion: '0.1.0',
      });
      const store = new ArtifactStore(db);
      const sha = sha256Hex('model');
      const saved = store.record('run_1', 'exp_1', [{ kind: 'onnx', path: '/x/model.onnx', bytes: 5, sha256: sha }], '2024-01-01T00:00:00Z');
      expect(saved[0]).toMatchObject({ runId: 'run_1', exportId: 'exp_1', kind: 'onnx', bytes: 5, sha256: sha, createdAt: '2024-01-01T00:00:00.000Z' });
      expect(store.findBySha256(sha)).toHaveLength(1);
      expect(() =>
        store.record(
          'run_1',
          'exp_2',
          [
            { kind: 'onnx', path: '/y', bytes: 1, sha256: sha },
            { kind: 'onnx', path: '/z', bytes: 1, sha256: 'NOT-HEX' },
          ],
          '2024-01-01T00:00:00Z',
        ),
      ).toThrow(/sha256/);
      expect(() => store.record('run_nope', 'exp_3', [{ kind: 'csv', path: '/c', bytes: 1, sha256: sha }], '2024-01-01T00:00:00Z')).toThrow(/No run/);
      expect(store.listForRun('run_1')).toHaveLength(1); // nothing of the refused calls was stored
    } finally {
      db.close();
    }
  });

  it('a database without the table fails with a clear error only when used', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'b.db'));
    try {
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'artifacts'").get();
      const store = new ArtifactStore(db); // constructing never throws
      if (!hasTable) expect(() => store.assertReady()).toThrow(/migration 0004_artifacts not applied/);
      else expect(() => store.assertReady()).not.toThrow();
    } finally {
      db.close();
    }
  });
});
