import { execFileSync, fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFreshBundle } from '../../../main/fresh-bundle.js';
import { findPackageRoot } from '../../../main/package-root.js';

const root = findPackageRoot();
const require = createRequire(path.join(root, 'package.json'));
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const yaml = require('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  afterPack: string;
  win: { target: { target: string; arch: string[] }[] };
  mac: { target: { target: string; arch: string[] }[] };
  linux: { target: { target: string; arch: string[] }[] };
  nsis: { perMachine: boolean; deleteAppDataOnUninstall: boolean };
}

const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const validate = (c: unknown) => validateConfiguration(c, new DebugLogger(false));

describe('electron-builder.yml', () => {
  it("passes app-builder-lib's own schema validation", async () => {
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('the validation is real: a misspelt option is refused', async () => {
    await expect(validate({ ...config, nsis: { ...config.nsis, oneClik: false } })).rejects.toThrow(/configuration\.nsis/);
    await expect(validate({ ...config, asarUnpak: [] })).rejects.toThrow(/asarUnpak/);
  });

  it('targets nsis x64+arm64 (Windows), one dmg per arch (macOS), deb first then AppImage (Linux)', () => {
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64', 'arm64'] }]);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]); // no universal merge of native files
    expect(config.linux.target.map((t) => t.target)).toEqual(['deb', 'AppImage']);
  });

  it('never rebuilds the shared node_modules for Electron; the afterPack hook adds the Electron-ABI driver', async () => {
    expect(config.npmRebuild).toBe(false);
    expect(existsSync(path.join(root, config.afterPack))).toBe(true);
    const hook = (await import(path.join(root, config.afterPack))) as { default: unknown };
    expect(typeof hook.default).toBe('function');
  });

  it("packs compiled code and migrations, leaves better-sqlite3's Node build out, and unpacks what workers load", () => {
    const minimatch = require('minimatch') as (file: string, pattern: string, options?: { dot?: boolean }) => boolean;
    const matchesAny = (file: string, patterns: string[]) => patterns.some((p) => minimatch(file, p, { dot: true }));
    // electron-builder copies production node_modules, then applies the `files` patterns in order.
    const included = (file: string) => {
      let keep = file.startsWith('node_modules/');
      for (const p of config.files) {
        if (p.startsWith('!')) {
          if (minimatch(file, p.slice(1), { dot: true })) keep = false;
        } else if (minimatch(file, p, { dot: true })) keep = true;
      }
      return keep;
    };
    expect(config.asar).toBe(true);
    // The real files of this checkout: entries that worker processes and threads start from.
    for (const file of ['dist/engine/worker.js', 'dist/engine/parallel/peer-thread.js', 'dist/contract/index.js', 'package.json']) {
      expect(existsSync(path.join(root, file)), `${file} (npm run build:node)`).toBe(true);
      expect(included(file), file).toBe(true);
      expect(matchesAny(file, config.asarUnpack), `${file} unpacked`).toBe(true);
    }
    // The native GEMM (Node-API: one build serves Node and Electron) is packed and unpacked with the engine.
    expect(included('dist/engine/kernels/native/initscope_gemm.node')).toBe(true);
    expect(matchesAny('dist/engine/kernels/native/initscope_gemm.node', config.asarUnpack)).toBe(true);
    expect(included('native/gemm.c')).toBe(false);
    for (const file of ['node_modules/@tensorflow/tfjs/package.json', 'node_modules/zod/package.json', 'node_modules/better-sqlite3/lib/database.js']) {
      expect(matchesAny(file, config.asarUnpack), `${file} unpacked`).toBe(true);
    }
    // The host utility process, main and the renderer stay in app.asar.
    for (const file of ['dist/main/electron/host-process.js', 'dist/main/electron/main.js', 'dist/renderer/index.html', 'migrations/0001_initial.sql']) {
      expect(included(file), file).toBe(true);
      expect(matchesAny(file, config.asarUnpack), `${file} stays packed`).toBe(false);
    }
    expect(included('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(false);
    expect(included('node_modules/better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(false);
    expect(included('dist/main/start.js.map')).toBe(false);
    expect(config.files.some((f) => /^(main|engine|test|renderer\/src)\b/.test(f))).toBe(false);
  });

  it('keeps user data in the per-user app-data folder, named after the product, and never deletes it', () => {
    expect(config.productName).toBe('InitScope'); // app-paths.ts APP_NAME and Electron's userData folder
    const appPaths = readFileSync(path.join(root, 'main', 'app-paths.ts'), 'utf8');
    expect(appPaths).toContain(`APP_NAME = '${config.productName}'`);
    expect(config.nsis.perMachine).toBe(false);
    expect(config.nsis.deleteAppDataOnUninstall).toBe(false);
  });
});

/**
 * Packs the app with `electron-builder --dir` offline, using a stand-in Electron folder (`electronDist`:
 * a shell script instead of the real binary) and no native rebuild. On by default (INITSCOPE_PACK_TEST=0 skips it): it
 * takes ~25 s and ~350 MB, and packs the shared checkout's dist/, which must be built and not being
 * rebuilt meanwhile.
 */
describe.runIf(process.env.INITSCOPE_PACK_TEST !== '0')('packed layout (electron-builder --dir, stand-in Electron)', () => {
  it('puts the compiled app in app.asar, the Electron-ABI driver in resources/native, and starts workers from app.asar.unpacked', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'initscope-pack-'));
    try {
      const electron = path.join(tmp, 'electron-dist');
      mkdirSync(path.join(electron, 'locales'), { recursive: true });
      writeFileSync(path.join(electron, 'electron'), '#!/bin/sh\necho stand-in\n', { mode: 0o755 });
      for (const f of ['LICENSE', 'version', 'locales/en-US.pak', 'locales/zh-CN.pak', 'locales/fr.pak']) writeFileSync(path.join(electron, f), '');
      const out = path.join(tmp, 'out');
      execFileSync(
        process.execPath,
        [
          require.resolve('electron-builder/cli.js'),
          '--linux',
          'dir',
          '--x64',
          '--publish',
          'never',
          `-c.electronDist=${electron}`,
          '-c.npmRebuild=false',
          `-c.directories.output=${out}`,
        ],
        {
          cwd: root,
          stdio: 'pipe',
          timeout: 180_000,
          env: { ...process.env, INITSCOPE_ELECTRON_SQLITE: path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node') },
        },
      );
      const app = path.join(out, 'linux-unpacked');
      expect(existsSync(path.join(app, 'initscope'))).toBe(true); // the renamed executable
      expect(readdirSync(path.join(app, 'locales')).sort()).toEqual(['en-US.pak', 'zh-CN.pak']);
      const asar = require('@electron/asar') as { listPackage(p: string): string[] };
      const files = asar.listPackage(path.join(app, 'resources', 'app.asar'));
      expect(files).toContain('/dist/main/electron/main.js');
      expect(files).toContain('/migrations/0001_initial.sql');
      expect(files.filter((f) => f.startsWith('/dist') && f.endsWith('.map'))).toEqual([]);
      expect(files.some((f) => f.startsWith('/test/') || f.startsWith('/main/'))).toBe(false);
      expect(files).toContain('/dist/main/electron/host-process.js'); // the host utility process entry
      const resources = path.join(app, 'resources');
      const unpacked = path.join(resources, 'app.asar.unpacked');
      // The Electron-ABI driver (here the stand-in given by INITSCOPE_ELECTRON_SQLITE), not Node's build.
      expect(existsSync(path.join(resources, 'native', 'better_sqlite3.node'))).toBe(true);
      expect(JSON.parse(readFileSync(path.join(resources, 'native', 'driver.json'), 'utf8'))).toMatchObject({
        runtime: 'electron',
        platform: 'linux',
        arch: 'x64',
      });
      expect(existsSync(path.join(unpacked, 'node_modules', 'better-sqlite3', 'build'))).toBe(false);
      expect(existsSync(path.join(unpacked, 'node_modules', 'better-sqlite3', 'lib', 'database.js'))).toBe(true);
      for (const entry of ['package.json', 'dist/engine/worker.js', 'dist/engine/parallel/peer-thread.js']) {
        expect(existsSync(path.join(unpacked, entry)), entry).toBe(true);
      }
      // Started from the unpacked copies, as the packed app starts them: the gradient-peer thread loads
      // TensorFlow.js and answers 'ready'; the engine worker process does the same.
      const thread = new Worker(path.join(unpacked, 'dist', 'engine', 'parallel', 'peer-thread.js'));
      const threadReady = await new Promise<unknown>((resolve, reject) => {
        thread.on('message', resolve);
        thread.on('error', reject);
        thread.postMessage({ type: 'init', backend: 'cpu' });
      });
      await thread.terminate();
      expect(threadReady, JSON.stringify(threadReady)).toMatchObject({ type: 'ready' });
      const worker = fork(path.join(unpacked, 'dist', 'engine', 'worker.js'), [], {
        env: { ...process.env, INITSCOPE_BACKEND: 'cpu' },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'advanced',
      });
      const workerReady = await new Promise<unknown>((resolve, reject) => {
        worker.on('message', resolve);
        worker.on('exit', (code) => reject(new Error(`the unpacked engine worker exited with ${code}`)));
      });
      worker.kill();
      expect(workerReady, JSON.stringify(workerReady)).toMatchObject({ type: 'ready' });
      // The one-file worker bundle (scripts/bundle-entries.mjs) is unpacked too, and starts the same way.
      const bundle = path.join(unpacked, 'dist', 'engine', 'worker.bundle.js');
      if (existsSync(path.join(root, 'dist', 'engine', 'worker.bundle.js'))) {
        expect(isFreshBundle(bundle, {})).toBe(true); // packaging resets modification times: see main/fresh-bundle.ts
        const bundled = fork(bundle, [], {
          env: { ...process.env, INITSCOPE_BACKEND: 'cpu' },
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
          serialization: 'advanced',
        });
        const bundledReady = await new Promise<unknown>((resolve, reject) => {
          bundled.on('message', resolve);
          bundled.on('exit', (code) => reject(new Error(`the unpacked worker bundle exited with ${code}`)));
        });
        bundled.kill();
        expect(bundledReady, JSON.stringify(bundledReady)).toMatchObject({ type: 'ready' });
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 200_000);
});
