/**
 * Bundled entry points: `npm run build:node` (scripts/bundle-entries.mjs) bundles the compiled engine
 * worker and CLI into one file each (next to the compiled modules), so that Node loads one module
 * instead of hundreds when a worker or the CLI starts. Each bundle has a manifest, `<bundle>.inputs.json`,
 * listing the compiled files it was made from (paths relative to the manifest's folder).
 *
 * A bundle is used only while it is fresh: when it and its manifest exist and no input is newer than
 * the bundle (`tsc -b` alone rewrites compiled files without re-bundling: the unbundled modules then
 * serve, with the same code). Inside a packed desktop app (a path through `app.asar` or
 * `app.asar.unpacked`) every file comes from one build and packaging does not keep modification times,
 * so there a bundle with its manifest is fresh. INITSCOPE_NO_BUNDLE=1 turns bundles off.
 *
 * This file imports Node built-ins only (bin/initscope.js and the early worker load it before anything else).
 * The engine worker entry lives in dist/engine; the host (main/services/worker-launcher.ts) and the CLI
 * choose between the bundle and the unbundled module with bundledOr.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The manifest of a bundle: the files it was made from. */
export interface BundleManifest {
  /** Input files, relative to the manifest's folder (posix separators). */
  inputs: string[];
}

/** Where a bundle's manifest lives. */
export const manifestPath = (bundle: string): string => `${bundle}.inputs.json`;

/** A path inside a packed desktop app (electron-builder's app.asar or its unpacked copy). */
const PACKED = /[\\/]app\.asar(\.unpacked)?[\\/]/;

/**
 * Whether `bundle` (a file path) may be used: it exists, its manifest lists at least one input, and
 * every input exists and is not newer than the bundle (in a packed app: exists). Any error (missing
 * file, unreadable or malformed manifest) means not fresh.
 */
export function isFreshBundle(bundle: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.INITSCOPE_NO_BUNDLE === '1') return false;
  try {
    const manifest = JSON.parse(readFileSync(manifestPath(bundle), 'utf8')) as Partial<BundleManifest> | null;
    const inputs = manifest?.inputs;
    if (!Array.isArray(inputs) || inputs.length === 0) return false;
    const built = statSync(bundle).mtimeMs;
    if (PACKED.test(bundle)) return inputs.every((rel) => typeof rel === 'string');
    const dir = path.dirname(bundle);
    return inputs.every((rel) => typeof rel === 'string' && statSync(path.resolve(dir, rel)).mtimeMs <= built);
  } catch {
    return false;
  }
}

/** `bundle` when it is fresh (isFreshBundle), else `entry` (the unbundled compiled module). */
export function bundledOr(entry: string, bundle: string, env: NodeJS.ProcessEnv = process.env): string {
  return isFreshBundle(bundle, env) ? bundle : entry;
}
