import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'initscope';

/**
 * Finds the InitScope package root: the nearest folder at or above `fromUrl`'s folder holding a
 * `package.json` whose `name` is `initscope`. Works from `main/*.ts` (tests) and from `dist/main/*.js`
 * (built code) alike. Throws if there is none.
 */
export function findPackageRoot(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json named "${PACKAGE_NAME}" above ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}

function readPackageName(manifest: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'name' in parsed && typeof parsed.name === 'string') return parsed.name;
  } catch {
    // An unreadable package.json is not ours; keep walking up.
  }
  return undefined;
}
