import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledOr, isFreshBundle, manifestPath } from '../../../main/fresh-bundle.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-fresh-bundle-'));

/** Writes `file` (relative to the temporary folder) with modification time `at` (seconds since the epoch). */
function put(file: string, at: number, text = 'x'): string {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, at, at);
  return full;
}

describe('bundled entry points (main/fresh-bundle.ts)', () => {
  it('uses a bundle only while no input is newer, every input exists and the manifest is sound', () => {
    const a = put('src/a.js', 1000);
    put('src/b.js', 1000);
    const bundle = put('out/entry.bundle.js', 2000);
    writeFileSync(manifestPath(bundle), JSON.stringify({ inputs: ['../src/a.js', '../src/b.js'] }));
    expect(isFreshBundle(bundle, {})).toBe(true);
    expect(bundledOr('/entry.js', bundle, {})).toBe(bundle);
    expect(isFreshBundle(bundle, { INITSCOPE_NO_BUNDLE: '1' })).toBe(false);

    utimesSync(a, 3000, 3000); // a bare `tsc -b` rewrote an input after the bundle was made
    expect(isFreshBundle(bundle, {})).toBe(false);
    expect(bundledOr('/entry.js', bundle, {})).toBe('/entry.js');
    utimesSync(a, 2000, 2000); // same time as the bundle: still fresh
    expect(isFreshBundle(bundle, {})).toBe(true);

    writeFileSync(manifestPath(bundle), JSON.stringify({ inputs: ['../src/a.js', '../src/gone.js'] }));
    expect(isFreshBundle(bundle, {})).toBe(false);
    for (const bad of ['{"inputs": []}', '{"inputs": [7]}', 'null', '{"inputs": "a.js"}', '{not json']) {
      writeFileSync(manifestPath(bundle), bad);
      expect(isFreshBundle(bundle, {}), bad).toBe(false);
    }
    expect(isFreshBundle(path.join(dir, 'out/absent.bundle.js'), {})).toBe(false);
  });

  it('inside a packed app (app.asar, app.asar.unpacked), where packaging resets modification times, a bundle with its manifest is fresh', () => {
    for (const folder of ['app.asar', 'app.asar.unpacked']) {
      const bundle = put(`res/${folder}/dist/engine/w.bundle.js`, 1000);
      put(`res/${folder}/dist/engine/w.js`, 5000); // copied after the bundle
      writeFileSync(manifestPath(bundle), JSON.stringify({ inputs: ['w.js'] }));
      expect(isFreshBundle(bundle, {}), folder).toBe(true);
      expect(isFreshBundle(bundle, { INITSCOPE_NO_BUNDLE: '1' }), folder).toBe(false);
      writeFileSync(manifestPath(bundle), '{"inputs": []}');
      expect(isFreshBundle(bundle, {}), folder).toBe(false);
    }
    // Not a packed app: a folder merely named like one.
    const bundle = put('res/my.app.asar.d/w.bundle.js', 1000);
    put('res/my.app.asar.d/w.js', 5000);
    writeFileSync(manifestPath(bundle), JSON.stringify({ inputs: ['w.js'] }));
    expect(isFreshBundle(bundle, {})).toBe(false);
  });

  const workerBundle = path.join(root, 'dist/engine/worker.bundle.js');
  const cliBundle = path.join(root, 'dist/main/cli/bundle/main.js');
  const built = isFreshBundle(workerBundle, {}) && isFreshBundle(cliBundle, {});

  it.skipIf(!built)('the built bundles replace every import.meta.url by the URL of the compiled file it came from', () => {
    const chunks = readdirSync(path.dirname(cliBundle)).filter((f) => f.endsWith('.js'));
    const files = [[workerBundle], chunks.map((f) => path.join(path.dirname(cliBundle), f))];
    for (const group of files) {
      const text = group.map((file) => readFileSync(file, 'utf8')).join('\n');
      const all = text.match(/import\.meta\.url/g) ?? [];
      const rewritten = text.match(/new URL\("[^"]+\.js", import\.meta\.url\)\.href/g) ?? [];
      expect(all.length).toBeGreaterThan(0);
      expect(rewritten.length).toBe(all.length);
    }
    // The MNIST pack is found where the unbundled engine finds it: dist/engine/datasets/.
    expect(readFileSync(workerBundle, 'utf8')).toContain('new URL("datasets/mnist.js", import.meta.url).href');
  });

  it.skipIf(!built)('a run trained by the bundled CLI and worker reruns bit for bit on the unbundled modules', () => {
    const db = path.join(dir, 'bundled.db');
    const bin = (env: NodeJS.ProcessEnv, ...args: string[]) =>
      spawnSync(process.execPath, [path.join(root, 'bin/initscope.js'), ...args], {
        cwd: root,
        encoding: 'utf8',
        timeout: 180_000,
        env: { ...process.env, ...env },
      });
    const trained = bin({ INITSCOPE_NO_BUNDLE: '' }, 'train', 'examples/circle-relu-he.json', '--db', db, '--json');
    expect(trained.status, trained.stderr).toBe(0);
    const runId = (JSON.parse(trained.stdout.split('\n')[0] as string) as { runId: string }).runId;
    const rerun = bin({ INITSCOPE_NO_BUNDLE: '1' }, 'rerun', runId, '--db', db, '--json');
    expect(rerun.status, rerun.stdout + rerun.stderr).toBe(0); // 0: every stored metric identical
    const report = JSON.parse(rerun.stdout) as { verdict: string; pointsCompared: number; provenanceDiffers: string[] };
    expect(report.verdict).toBe('identical');
    expect(report.pointsCompared).toBeGreaterThan(0);
    expect(report.provenanceDiffers).toEqual([]); // the same engine, kernels and dataset: only the module layout differs
  });
});
