import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One migration file, `NNNN_name.sql`; `version` is NNNN as a number (1-based). */
export interface MigrationFile {
  readonly version: number;
  /** The file name, e.g. `0001_initial.sql`. */
  readonly file: string;
  /** Absolute (or dir-relative) path of the file. */
  readonly path: string;
}

const MIGRATION_NAME = /^(\d{4})_[a-z0-9][a-z0-9_]*\.sql$/;

/**
 * Lists the migrations in `dir`, ordered by version. Every `.sql` file must be named `NNNN_name.sql`
 * (four digits, then lower-case letters, digits and underscores); versions must run 1, 2, 3… without
 * gaps or duplicates. Other files (e.g. a README) are ignored. Throws on any violation or an empty folder.
 */
export function listMigrationFiles(dir: string): MigrationFile[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    throw new Error(`Cannot read the migrations folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const migrations: MigrationFile[] = [];
  for (const file of entries) {
    if (!file.toLowerCase().endsWith('.sql')) continue;
    const match = MIGRATION_NAME.exec(file);
    if (!match?.[1]) throw new Error(`Bad migration file name ${join(dir, file)}: expected NNNN_name.sql (e.g. 0002_add_layer_stats.sql)`);
    migrations.push({ version: Number(match[1]), file, path: join(dir, file) });
  }
  if (migrations.length === 0) throw new Error(`No migrations (NNNN_name.sql) in ${dir}`);
  migrations.sort((a, b) => a.version - b.version || a.file.localeCompare(b.file));
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && previous.version === migration.version) {
      throw new Error(`Duplicate migration version ${migration.version} in ${dir}: ${previous.file} and ${migration.file}`);
    }
    if (migration.version !== index + 1) {
      throw new Error(`Missing migration version ${index + 1} in ${dir}: found ${migration.file} instead`);
    }
  });
  return migrations;
}

/** Reads a migration's SQL text. */
export function readMigrationSql(migration: MigrationFile): string {
  return readFileSync(migration.path, 'utf8');
}
