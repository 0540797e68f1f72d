export { openDatabase, type OpenDatabaseOptions } from './database.js';
export { defaultMigrationsDir, migrate, readSchemaVersion, type MigrateOptions, type MigrationResult } from './migrate.js';
export { listMigrationFiles, type MigrationFile } from './migration-files.js';
export { findPackageRoot } from '../package-root.js';
export { FutureDatabaseError, MigrationError } from './errors.js';
export { RunStore, type CreateRunInput, type StartRunInput, type FinishRunInput, type FinishedStatus } from './run-store.js';
export { downsampleEvenly, evenlySpacedIndices } from './downsample.js';
