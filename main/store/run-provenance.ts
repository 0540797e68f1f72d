import type Database from 'better-sqlite3';
import { RunProvenance, type EngineProvenance } from '../../contract/index.js';

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

/**
 * The reproducibility record of runs (`runs.provenance_json`, schema RunProvenance in the contract).
 * A reproduction is linked to its original when it is created (`{ "reproduces": id }`, which is not yet
 * a full record); the engine's record completes it when the run starts.
 */
export class RunProvenanceStore {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      write: db.prepare<{ id: string; json: string }>('UPDATE runs SET provenance_json = @json WHERE id = @id'),
      reproduces: db.prepare<[string], string | null>("SELECT json_extract(provenance_json, '$.reproduces') FROM runs WHERE id = ?").pluck(),
    };
  }

  /** Links a newly created run to the run it reproduces (before it starts). */
  markReproduction(runId: string, originalRunId: string): void {
    this.statements.write.run({ id: runId, json: JSON.stringify({ reproduces: originalRunId }) });
  }

  /** The run that `runId` reproduces, or null (also for an unknown run). */
  reproducesOf(runId: string): string | null {
    const value = this.statements.reproduces.get(runId);
    return typeof value === 'string' ? value : null;
  }

  /** Stores a started run's full record (keeping its link to the run it reproduces). */
  record(runId: string, engine: EngineProvenance, initscopeVersion: string): RunProvenance {
    const provenance: RunProvenance = { ...engine, initscopeVersion, reproduces: this.reproducesOf(runId) };
    this.statements.write.run({ id: runId, json: JSON.stringify(provenance) });
    return provenance;
  }
}

/** A stored provenance_json as a RunProvenance, or null when absent, partial (not started yet) or unreadable. */
export function provenanceFromJson(json: string | null): RunProvenance | null {
  if (json === null) return null;
  try {
    const parsed = RunProvenance.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
