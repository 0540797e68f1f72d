import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { DOWNLOAD_PATH, ExperimentSpec } from '../../../contract/index.js';
import { findDownload } from '../../../main/export/download.js';
import { sha256Hex } from '../../../main/export/hash.js';
import { writeExportFiles } from '../../../main/export/write-export.js';
import { startHttpServer } from '../../../main/http/index.js';
import { ArtifactStore, openDatabase, RunStore } from '../../../main/store/index.js';
import { createFakeServices } from '../http/fake-services.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data folder with a database, one run and an ONNX-like export of two files written by the host. */
function setup() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-dl-'));
  dirs.push(dataDir);
  const db = openDatabase(path.join(dataDir, 'initscope.db'));
  new RunStore(db).createRun({
    id: 'run_1',
    name: 'r',
    experiment: ExperimentSpec.parse({ dataset: { builtin: 'xor' }, network: { inputShape: [2], layers: [{ type: 'dense', units: 2 }] } }),
    createdAt: new Date(0).toISOString(),
    appVersion: '0.1.0',
  });
  const artifacts = new ArtifactStore(db);
  const dir = path.join(dataDir, 'exports', 'run_1', 'tfjs-1');
  const files = writeExportFiles(
    artifacts,
    ['run_1'],
    dir,
    [
      { name: 'model.json', kind: 'tfjs', data: '{"format":"layers-model"}' },
      { name: 'weights.bin', kind: 'tfjs', data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) },
    ],
    new Date(1000),
  );
  return { dataDir, db, artifacts, files, dir };
}

describe('exported files for browser download', () => {
  it('serves only files the host wrote and recorded under exports/, while their bytes match', () => {
    const { dataDir, db, artifacts, files, dir } = setup();
    try {
      const got = findDownload(artifacts, dataDir, files[1]!.sha256)!;
      expect(got.name).toBe('weights.bin');
      expect([...got.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(findDownload(artifacts, dataDir, sha256Hex('never exported'))).toBeNull();
      expect(findDownload(artifacts, dataDir, '../../etc/passwd')).toBeNull();
      // A file changed after the export no longer matches its record: refused.
      writeFileSync(path.join(dir, 'model.json'), '{"format":"tampered"}');
      expect(findDownload(artifacts, dataDir, files[0]!.sha256)).toBeNull();
      // A recorded file outside exports/ (a CLI export to a folder the user chose) is never served.
      const outside = path.join(dataDir, 'elsewhere');
      mkdirSync(outside);
      const cli = writeExportFiles(artifacts, ['run_1'], outside, [{ name: 'report.html', kind: 'report', data: '<p>x</p>' }], new Date(2000));
      expect(findDownload(artifacts, dataDir, cli[0]!.sha256)).toBeNull();
      // Nor through a symlink inside exports/ that points out of it.
      const link = path.join(dataDir, 'exports', 'link');
      symlinkSync(outside, link);
      artifacts.record(
        'run_1',
        'exp_link',
        [{ kind: 'report', path: path.join(link, 'report.html'), bytes: cli[0]!.bytes, sha256: cli[0]!.sha256 }],
        new Date(3000).toISOString(),
      );
      expect(findDownload(artifacts, dataDir, cli[0]!.sha256)).toBeNull();
    } finally {
      db.close();
    }
  });

  it('GET /api/download sends the file as an attachment with the token, and nothing without it', async () => {
    const { dataDir, db, artifacts, files } = setup();
    const token = 'test-token-0123456789abcdef';
    const services = { ...createFakeServices(), findDownload: (sha: string) => findDownload(artifacts, dataDir, sha) };
    const server = await startHttpServer({ services, token });
    try {
      const base = `http://127.0.0.1:${server.port}${DOWNLOAD_PATH}`;
      const res = await fetch(`${base}?sha256=${files[0]!.sha256}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="model.json"; filename*=UTF-8''model.json`);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toBe('{"format":"layers-model"}');
      expect((await fetch(`${base}?sha256=${files[0]!.sha256}`)).status).toBe(401);
      expect((await fetch(`${base}?sha256=${sha256Hex('nope')}`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
      expect(
        (
          await fetch(`${base}?sha256=${files[0]!.sha256}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: '{}',
          })
        ).status,
      ).toBe(405);
    } finally {
      await server.close();
      db.close();
    }
  });

  it('GET /api/download?sha256=…&sha256=…&zip=name sends those recorded files as one zip, and 404 if one is unknown', async () => {
    const { dataDir, db, artifacts, files } = setup();
    const token = 'test-token-0123456789abcdef';
    const services = { ...createFakeServices(), findDownload: (sha: string) => findDownload(artifacts, dataDir, sha) };
    const server = await startHttpServer({ services, token });
    try {
      const auth = { headers: { Authorization: `Bearer ${token}` } };
      const base = `http://127.0.0.1:${server.port}${DOWNLOAD_PATH}`;
      const res = await fetch(`${base}?sha256=${files[0]!.sha256}&sha256=${files[1]!.sha256}&zip=run_1-tfjs`, auth);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain('filename="run_1-tfjs.zip"');
      const entries = unzipSync(new Uint8Array(await res.arrayBuffer()));
      expect(Object.keys(entries)).toEqual(['model.json', 'weights.bin']);
      expect([...entries['weights.bin']!]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await fetch(`${base}?sha256=${files[0]!.sha256}&sha256=${sha256Hex('nope')}&zip=x`, auth)).status).toBe(404);
    } finally {
      await server.close();
      db.close();
    }
  });
});
