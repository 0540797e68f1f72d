import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The Electron executable, or why there is none. */
export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/**
 * Looks for the Electron executable that the `electron` npm package downloads on first launch, without
 * triggering that download (requiring the package would): reads `node_modules/electron/path.txt` and
 * checks that `dist/<path>` exists. `INITSCOPE_ELECTRON` names another executable (a local Electron build,
 * or the stand-ins the tests use).
 */
export function findElectronBinary(root: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const override = env.INITSCOPE_ELECTRON;
  if (override)
    return existsSync(override)
      ? { found: true, path: path.resolve(override) }
      : { found: false, reason: `INITSCOPE_ELECTRON names a missing file: ${override}` };
  const pkgDir = path.join(root, 'node_modules', 'electron');
  if (!existsSync(path.join(pkgDir, 'package.json'))) return { found: false, reason: 'the electron package is not installed' };
  const pathFile = path.join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { found: false, reason: 'the Electron binary has not been downloaded' };
  const executable = path.join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? { found: true, path: executable } : { found: false, reason: `${executable} is missing` };
}

/**
 * Tries once to download Electron's binary with the package's own installer (a few seconds online; it
 * fails at once offline). Output is captured, not shown. Returns the binary if it now exists.
 */
export function tryDownloadElectron(root: string, timeoutMs = 120_000): ElectronBinary {
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return { found: false, reason: 'the electron package is not installed' };
  const result = spawnSync(process.execPath, [installer], { cwd: root, timeout: timeoutMs, encoding: 'utf8' });
  const after = findElectronBinary(root);
  if (after.found) return after;
  const detail = `${result.stderr ?? ''}`
    .split('\n')
    .find((l) => /error/i.test(l))
    ?.trim();
  return { found: false, reason: `the Electron binary is not downloaded and could not be fetched${detail ? ` (${detail.slice(0, 120)})` : ''}` };
}
