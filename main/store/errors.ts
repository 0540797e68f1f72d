import { InitScopeError } from '../../contract/index.js';

/**
 * The database file was written by a newer InitScope (its `user_version` is above the highest migration
 * this build knows). It is refused and left untouched. Code `conflict`.
 */
export class FutureDatabaseError extends InitScopeError {
  constructor(
    readonly path: string,
    readonly version: number,
    readonly supportedVersion: number,
  ) {
    super(
      'conflict',
      `Database ${path} has schema version ${version}, but this InitScope supports schema versions up to ` +
        `${supportedVersion}. It was written by a newer InitScope; open it with that version or use another ` +
        'data folder. The file was not modified.',
      { path, version, supportedVersion },
    );
    this.name = 'FutureDatabaseError';
  }
}

/**
 * A migration file could not be applied. The whole upgrade was rolled back, so the database is still at
 * `fromVersion`. Code `internal`; the original SQLite error is the `cause`.
 */
export class MigrationError extends InitScopeError {
  constructor(
    readonly file: string,
    readonly fromVersion: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('internal', `Migration ${file} failed: ${reason}. Nothing was changed; the database is still at schema version ${fromVersion}.`, {
      file,
      fromVersion,
    });
    this.name = 'MigrationError';
    this.cause = cause;
  }
}

/**
 * The database file failed SQLite's `PRAGMA quick_check` (or is not a database at all). It is refused
 * before anything is written, so the file is byte-identical afterwards. The message names the file, the
 * first problems found and, when there is one, the newest `<db>.backup-v<N>` to restore. Code `conflict`.
 */
export class DamagedDatabaseError extends InitScopeError {
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
    readonly backupPath: string | null,
  ) {
    const shown = problems.slice(0, 2).join('; ') + (problems.length > 2 ? `; and ${problems.length - 2} more problems` : '');
    const restore =
      backupPath === null
        ? 'No backup of it was found; move it aside to start a new database.'
        : `The newest backup is ${backupPath}: to restore it, move the damaged file aside and copy the backup to ${path} (runs stored after the backup are not in it).`;
    super('conflict', `Database ${path} is damaged (${shown}) and was not opened or modified. ${restore}`, { path, problems, backupPath });
    this.name = 'DamagedDatabaseError';
  }
}
