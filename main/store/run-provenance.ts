import type Database from 'better-sqlite3';

/**
 * Reads the InitScope version that created a run (`runs.app_version`; RunSummary does not carry it),
 * for the reproducibility record of reports. Returns null for an unknown run.
 */
export function runAppVersionReader(db: Database.Database): (runId: string) => string | null {
  let statement: Database.Statement<[string], string> | null = null;
  return (runId) => {
    statement ??= db.prepare<[string], string>('SELECT app_version FROM runs WHERE id = ?').pluck();
    return statement.get(runId) ?? null;
  };
}
