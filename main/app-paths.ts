import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPackageRoot } from './package-root.js';

/** Application name as used for the per-user data folder (matches Electron's `app.getPath('userData')`). */
export const APP_NAME = 'InitScope';

/**
 * The per-user data folder: `INITSCOPE_DATA_DIR` if set, else the platform's app-data folder
 * (Windows `%APPDATA%\InitScope`, macOS `~/Library/Application Support/InitScope`,
 * Linux `$XDG_CONFIG_HOME/InitScope` or `~/.config/InitScope`).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.INITSCOPE_DATA_DIR) return path.resolve(env.INITSCOPE_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

/** The database file inside a data folder. */
export function databasePath(dataDir: string): string {
  return path.join(dataDir, 'initscope.db');
}

/** The app version from package.json. */
export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(findPackageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
