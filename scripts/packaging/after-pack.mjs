// electron-builder afterPack hook (electron-builder.yml): runs once per platform and arch, after the app
// folder is laid out and before it is signed and turned into a dmg / installer / deb / AppImage.
//  1. Puts a better-sqlite3 driver built for Electron's ABI and this arch in resources/native/
//     (main/electron/sqlite-binding.ts loads it). node_modules/better-sqlite3/build is not packed at
//     all: that is Node's build, for the CLI and the tests, never rebuilt in place (npmRebuild: false).
//  2. Says in one line what will be signed and notarized; with INITSCOPE_RELEASE=1 an unsigned macOS or
//     Windows build stops here instead.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ARCH_NAMES, resourcesDir, signingPlan } from './release-checks.mjs';

/** @param {any} context electron-builder's AfterPackContext */
export default async function afterPack(context) {
  const root = context.packager.projectDir;
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch];
  if (!arch || arch === 'universal') throw new Error(`afterPack: unsupported arch ${String(context.arch)} (build one dmg per arch)`);
  const { ensureElectronSqlite, installedElectronVersion } = await import(pathToFileURL(path.join(root, 'dist', 'main', 'electron-sqlite.js')).href);
  const electronVersion = context.packager.config.electronVersion || installedElectronVersion(root);
  const driver = ensureElectronSqlite({ root, target: { electronVersion, platform, arch }, progress: (line) => console.log(`  • ${line}`) });
  if (!driver.found) throw new Error(`afterPack: ${driver.reason}`);
  const native = path.join(resourcesDir(context, path.join), 'native');
  mkdirSync(native, { recursive: true });
  copyFileSync(driver.path, path.join(native, 'better_sqlite3.node'));
  writeFileSync(
    path.join(native, 'driver.json'),
    `${JSON.stringify({ runtime: 'electron', electronVersion, platform, arch, source: driver.source }, null, 2)}\n`,
  );
  console.log(`  • InitScope: Electron ${electronVersion} database driver for ${platform}-${arch} (${driver.source}) in resources/native`);

  const plan = signingPlan(platform, process.env);
  console.log(`  • InitScope: ${plan.line}`);
  if (process.env.INITSCOPE_RELEASE === '1' && plan.missing.length > 0) {
    throw new Error(`INITSCOPE_RELEASE=1 but the ${platform} build would not be signed/notarized: set ${plan.missing.join('; ')}`);
  }
}
