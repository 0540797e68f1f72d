import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { driverPath, ensureElectronSqlite, sqliteVersion, type RunCommand } from '../../../main/electron-sqlite.js';
import { findPackageRoot } from '../../../main/package-root.js';

const root = findPackageRoot();
const target = { electronVersion: '45.5.0', platform: 'linux' as const, arch: 'x64' };
let cacheDir = '';
afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A fake command runner: records calls; `make` decides per tool whether it "produces" the driver in cwd. */
function fakeRun(make: (tool: 'prebuild' | 'gyp') => boolean) {
  const calls: { tool: 'prebuild' | 'gyp'; args: string[]; cwd: string }[] = [];
  const run: RunCommand = (_cmd, args, cwd) => {
    const tool = args[0]!.includes('prebuild-install') ? 'prebuild' : 'gyp';
    calls.push({ tool, args, cwd });
    if (!make(tool))
      return { ok: false, output: tool === 'prebuild' ? 'prebuild-install warn install getaddrinfo ENOTFOUND github.com' : 'gyp ERR! find Python' };
    mkdirSync(path.join(cwd, 'build', 'Release'), { recursive: true });
    writeFileSync(path.join(cwd, 'build', 'Release', 'better_sqlite3.node'), `driver by ${tool}`);
    return { ok: true, output: '' };
  };
  return { calls, run };
}

describe('ensureElectronSqlite', () => {
  it('downloads the Electron-ABI prebuilt into its own cache folder once, leaving Node’s build alone', () => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-esq-'));
    const nodeBuild = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    const nodeBefore = readFileSync(nodeBuild);
    const { calls, run } = fakeRun(() => true);
    const lines: string[] = [];
    const got = ensureElectronSqlite({ root, target, cacheDir, run, progress: (l) => lines.push(l) }, {});
    expect(got).toEqual({ found: true, path: driverPath(cacheDir, sqliteVersion(root), target), source: 'prebuilt' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args).toEqual(expect.arrayContaining(['--runtime', 'electron', '--target', '45.5.0', '--arch', 'x64', '--platform', 'linux']));
    expect(lines).toEqual(['InitScope: downloading the database driver for Electron 45.5.0 (linux-x64) (once)...']);
    const meta = JSON.parse(readFileSync(path.join(path.dirname(path.dirname(path.dirname(got.found ? got.path : ''))), 'driver.json'), 'utf8'));
    expect(meta).toMatchObject({ runtime: 'electron', electronVersion: '45.5.0', arch: 'x64', source: 'prebuilt' });
    expect(readdirSync(cacheDir).filter((d) => d.startsWith('.stage-'))).toEqual([]); // no half-written folders
    expect(ensureElectronSqlite({ root, target, cacheDir, run }, {})).toMatchObject({ found: true, source: 'cache' });
    expect(calls).toHaveLength(1);
    expect(readFileSync(nodeBuild).equals(nodeBefore)).toBe(true);
  });

  it('builds from source when the download fails, and says why when both fail', () => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-esq-'));
    const built = fakeRun((tool) => tool === 'gyp');
    const got = ensureElectronSqlite({ root, target: { ...target, arch: 'arm64' }, cacheDir, run: built.run }, {});
    expect(got).toMatchObject({ found: true, source: 'built' });
    expect(built.calls.map((c) => c.tool)).toEqual(['prebuild', 'gyp']);
    expect(built.calls[1]!.args).toEqual(expect.arrayContaining(['--target=45.5.0', '--arch=arm64', '--dist-url=https://electronjs.org/headers']));
    const none = fakeRun(() => false);
    const missing = ensureElectronSqlite({ root, target: { ...target, platform: 'darwin' }, cacheDir, run: none.run }, {});
    expect(missing.found).toBe(false);
    if (missing.found) return;
    expect(missing.reason).toBe(
      'no database driver for Electron 45.5.0 (darwin-x64) (download: prebuild-install warn install getaddrinfo ENOTFOUND github.com; build: gyp ERR! find Python)',
    );
    expect(existsSync(driverPath(cacheDir, sqliteVersion(root), { ...target, platform: 'darwin' }))).toBe(false);
  });

  it('INITSCOPE_ELECTRON_SQLITE names the driver to use (or why it cannot)', () => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-esq-'));
    const file = path.join(cacheDir, 'given.node');
    writeFileSync(file, '');
    expect(ensureElectronSqlite({ root, target, cacheDir }, { INITSCOPE_ELECTRON_SQLITE: file })).toEqual({ found: true, path: file, source: 'given' });
    expect(ensureElectronSqlite({ root, target, cacheDir }, { INITSCOPE_ELECTRON_SQLITE: `${file}.x` })).toMatchObject({ found: false });
  });
});
