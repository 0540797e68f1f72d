import path from 'node:path';

/** Where the packed app keeps its Electron-ABI better-sqlite3 driver (put there by the packaging afterPack hook). */
export const PACKED_DRIVER = path.join('native', 'better_sqlite3.node');

/**
 * The better-sqlite3 driver the desktop host loads: `INITSCOPE_SQLITE_BINDING` (set by `npm start`,
 * which prepares a driver for Electron's ABI), else in a packed app `<resources>/native/better_sqlite3.node`,
 * else undefined (better-sqlite3's own build).
 */
export function desktopSqliteBinding(options: {
  env: NodeJS.ProcessEnv;
  isPackaged: boolean;
  resourcesPath: string;
  exists(file: string): boolean;
}): string | undefined {
  const fromEnv = options.env.INITSCOPE_SQLITE_BINDING;
  if (fromEnv) return fromEnv;
  if (!options.isPackaged) return undefined;
  const packed = path.join(options.resourcesPath, PACKED_DRIVER);
  return options.exists(packed) ? packed : undefined;
}
