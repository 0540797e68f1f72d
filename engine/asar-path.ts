import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * In a packed desktop app, the copy of `file` outside the asar archive: `…/app.asar/dist/engine/x.js`
 * becomes `…/app.asar.unpacked/dist/engine/x.js` when that file exists (electron-builder's asarUnpack
 * puts the engine, the contract, package.json and node_modules there, so a worker process or thread
 * started on it resolves every import on the real file system and needs no asar support at all).
 * Any other path, or one whose unpacked copy is missing, is returned unchanged.
 */
export function unpackedPath(file: string, exists: (p: string) => boolean = existsSync): string {
  const marker = /([\\/])app\.asar([\\/])/;
  if (!marker.test(file)) return file;
  const candidate = file.replace(marker, (_m, before: string, after: string) => `${before}app.asar.unpacked${after}`);
  return exists(candidate) ? path.normalize(candidate) : file;
}
