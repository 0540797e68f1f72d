import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The Electron build a driver is for. */
export interface ElectronTarget {
  /** Electron version, e.g. `45.5.0`. */
  electronVersion: string;
  platform: NodeJS.Platform;
  /** `x64`, `arm64`, … */
  arch: string;
}

/** A better-sqlite3 driver for Electron's ABI, or why there is none. */
export type ElectronSqlite = { found: true; path: string; source: 'cache' | 'prebuilt' | 'built' | 'given' } | { found: false; reason: string };

/** Runs a command; returns whether it succeeded and the last lines it printed (for the reason). */
export type RunCommand = (command: string, args: string[], cwd: string) => { ok: boolean; output: string };

/** What {@link ensureElectronSqlite} needs. */
export interface EnsureOptions {
  /** The InitScope package root (its node_modules holds better-sqlite3, prebuild-install, node-gyp). */
  root: string;
  target: ElectronTarget;
  /** Folder of cached drivers; default `<root>/node_modules/.cache/initscope/electron-sqlite`. */
  cacheDir?: string;
  /** One line per step (download, build), so a first launch is not silent. */
  progress?: (line: string) => void;
  /** Defaults to spawnSync with a 10-minute limit. */
  run?: RunCommand;
}

/** The installed better-sqlite3 version (the driver must match its JavaScript). */
export function sqliteVersion(root: string): string {
  return (JSON.parse(readFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The installed Electron version, or null when the electron package is absent. */
export function installedElectronVersion(root: string): string | null {
  const manifest = path.join(root, 'node_modules', 'electron', 'package.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : null;
}

/**
 * Where the driver for `target` is cached: one folder per better-sqlite3 version, Electron version,
 * platform and arch, apart from node_modules/better-sqlite3/build (Node's ABI, used by the CLI, browser
 * mode and the tests), so neither build overwrites the other.
 */
export function driverPath(cacheDir: string, sqlite: string, target: ElectronTarget): string {
  return path.join(
    cacheDir,
    `better-sqlite3-${sqlite}-electron-${target.electronVersion}-${target.platform}-${target.arch}`,
    'build',
    'Release',
    'better_sqlite3.node',
  );
}

const defaultRun: RunCommand = (command, args, cwd) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`;
  return { ok: result.status === 0, output };
};

/** The last meaningful line of a command's output, shortened, for a one-line reason. */
function lastLine(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^gyp (info|http)/.test(l));
  const line = [...lines].reverse().find((l) => /err|fail|not found|unable|cannot/i.test(l)) ?? lines.at(-1) ?? 'no output';
  return line.length > 140 ? `${line.slice(0, 137)}...` : line;
}

/**
 * Returns a better-sqlite3 driver compiled for Electron's ABI (`NODE_MODULE_VERSION`), for the
 * `nativeBinding` option: `INITSCOPE_ELECTRON_SQLITE` if set (a file you provide), else the cached
 * one, else one downloaded once with prebuild-install (`--runtime electron --target <version>`, the
 * project's published prebuilt binaries), else one compiled once from the installed sources with
 * node-gyp against Electron's headers (needs a C++ toolchain and Python). Each new driver is made in a
 * temporary folder and moved into the cache only when complete, so an interrupted first launch leaves
 * nothing half-written. Node's own build in node_modules is never touched.
 */
export function ensureElectronSqlite(options: EnsureOptions, env: NodeJS.ProcessEnv = process.env): ElectronSqlite {
  const given = env.INITSCOPE_ELECTRON_SQLITE;
  if (given)
    return existsSync(given)
      ? { found: true, path: path.resolve(given), source: 'given' }
      : { found: false, reason: `INITSCOPE_ELECTRON_SQLITE names a missing file: ${given}` };
  const { root, target } = options;
  const moduleDir = path.join(root, 'node_modules', 'better-sqlite3');
  if (!existsSync(path.join(moduleDir, 'package.json'))) return { found: false, reason: 'better-sqlite3 is not installed' };
  const cacheDir = options.cacheDir ?? path.join(root, 'node_modules', '.cache', 'initscope', 'electron-sqlite');
  const sqlite = sqliteVersion(root);
  const finalFile = driverPath(cacheDir, sqlite, target);
  if (existsSync(finalFile)) return { found: true, path: finalFile, source: 'cache' };
  const progress = options.progress ?? (() => undefined);
  const run = options.run ?? defaultRun;
  const finalDir = path.dirname(path.dirname(path.dirname(finalFile)));
  mkdirSync(cacheDir, { recursive: true });
  const label = `Electron ${target.electronVersion} (${target.platform}-${target.arch})`;
  const reasons: string[] = [];

  const attempt = (source: 'prebuilt' | 'built', make: (stage: string) => { ok: boolean; output: string }): ElectronSqlite | null => {
    const stage = mkdtempSync(path.join(cacheDir, '.stage-'));
    try {
      const result = make(stage);
      const built = path.join(stage, 'build', 'Release', 'better_sqlite3.node');
      if (!result.ok || !existsSync(built)) {
        reasons.push(`${source === 'prebuilt' ? 'download' : 'build'}: ${lastLine(result.output)}`);
        return null;
      }
      writeFileSync(path.join(stage, 'driver.json'), `${JSON.stringify({ runtime: 'electron', ...target, betterSqlite3: sqlite, source }, null, 2)}\n`);
      rmSync(finalDir, { recursive: true, force: true });
      renameSync(stage, finalDir);
      return { found: true, path: finalFile, source };
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  };

  const prebuildCli = path.join(root, 'node_modules', 'prebuild-install', 'bin.js');
  if (existsSync(prebuildCli)) {
    progress(`InitScope: downloading the database driver for ${label} (once)...`);
    const got = attempt('prebuilt', (stage) => {
      cpSync(path.join(moduleDir, 'package.json'), path.join(stage, 'package.json'));
      return run(
        process.execPath,
        [prebuildCli, '--runtime', 'electron', '--target', target.electronVersion, '--platform', target.platform, '--arch', target.arch, '--verbose'],
        stage,
      );
    });
    if (got) return got;
  } else {
    reasons.push('download: prebuild-install is not installed');
  }
  const gypCli = path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(gypCli) && existsSync(path.join(moduleDir, 'binding.gyp'))) {
    progress(`InitScope: building the database driver for ${label} from source (once; a few minutes)...`);
    const got = attempt('built', (stage) => {
      for (const entry of ['package.json', 'binding.gyp', 'src', 'deps']) cpSync(path.join(moduleDir, entry), path.join(stage, entry), { recursive: true });
      return run(
        process.execPath,
        [
          gypCli,
          'rebuild',
          '--release',
          `--target=${target.electronVersion}`,
          `--arch=${target.arch}`,
          '--dist-url=https://electronjs.org/headers',
          '--runtime=electron',
        ],
        stage,
      );
    });
    if (got) return got;
  } else {
    reasons.push('build: node-gyp or the better-sqlite3 sources are not installed');
  }
  return { found: false, reason: `no database driver for ${label} (${reasons.join('; ')})` };
}
