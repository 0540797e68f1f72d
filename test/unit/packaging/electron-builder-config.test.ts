import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('targets nsis (Windows), a universal dmg (macOS), AppImage and deb (Linux)', () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['universal'] }]);
    expect(config.linux.target.map((t) => t.target).sort()).toEqual(['AppImage', 'deb']);
  });

  it('unpacks native modules from the asar and ships only compiled code and migrations', () => {
    expect(config.asar).toBe(true);
    for (const mod of ['better-sqlite3', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
      expect(config.asarUnpack).toContain(`**/node_modules/${mod}/**`);
    }
    expect(config.files).toContain('dist/**/*');
    expect(config.files).toContain('migrations/*.sql');
    expect(config.files).toContain('!dist/**/*.map');
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
 * a shell script instead of the real binary) and no native rebuild. Opt-in (INITSCOPE_PACK_TEST=1): it
 * takes ~25 s and ~350 MB, and packs the shared checkout's dist/, which must be built and not being
 * rebuilt meanwhile.
 */
describe.runIf(process.env.INITSCOPE_PACK_TEST === '1')('packed layout (electron-builder --dir, stand-in Electron)', () => {
  it('puts the compiled app and migrations in app.asar and better-sqlite3 outside it', () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'initscope-pack-'));
    try {
      const electron = path.join(tmp, 'electron-dist');
      mkdirSync(path.join(electron, 'locales'), { recursive: true });
      writeFileSync(path.join(electron, 'electron'), '#!/bin/sh\necho stand-in\n', { mode: 0o755 });
      for (const f of ['LICENSE', 'version', 'locales/en-US.pak', 'locales/zh-CN.pak', 'locales/fr.pak']) writeFileSync(path.join(electron, f), '');
      const out = path.join(tmp, 'out');
      execFileSync(
        process.execPath,
        [require.resolve('electron-builder/cli.js'), '--linux', 'dir', '--x64', '--publish', 'never', `-c.electronDist=${electron}`, '-c.npmRebuild=false', `-c.directories.output=${out}`],
        { cwd: root, stdio: 'pipe', timeout: 180_000 },
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
      expect(existsSync(path.join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 200_000);
});
