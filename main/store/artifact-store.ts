import type Database from 'better-sqlite3';
import { InitScopeError } from '../../contract/index.js';
import { writeTransaction } from './busy.js';
import { toUtcIso } from './values.js';

/** The kinds of files InitScope records (see migrations/0004_artifacts.sql). */
export type ArtifactKind = 'weights' | 'tfjs' | 'onnx' | 'report' | 'csv' | 'spec';

/** One file to record: where it was written, its size in bytes and its sha256 (64 hex digits). */
export interface ArtifactInput {
  kind: ArtifactKind;
  path: string;
  bytes: number;
  sha256: string;
}

/** A recorded file. Times are ISO-8601 UTC strings. */
export interface ArtifactRecord extends ArtifactInput {
  id: number;
  runId: string | null;
  exportId: string;
  createdAt: string;
}

interface ArtifactRow {
  id: number;
  run_id: string | null;
  export_id: string;
  kind: ArtifactKind;
  path: string;
  bytes: number;
  sha256: string;
  created_at: string;
}

const COLUMNS = 'id, run_id, export_id, kind, path, bytes, sha256, created_at';
const SHA256 = /^[0-9a-f]{64}$/;

const fromRow = (r: ArtifactRow): ArtifactRecord => ({
  id: r.id,
  runId: r.run_id,
  exportId: r.export_id,
  kind: r.kind,
  path: r.path,
  bytes: r.bytes,
  sha256: r.sha256,
  createdAt: r.created_at,
});

/**
 * Exported files and their hashes (table `artifacts`, migration 0005). Statements are prepared on first
 * use, so a host whose database predates the table still starts; using the store then fails with a
 * clear `internal` error instead.
 */
export class ArtifactStore {
  private statements: ReturnType<ArtifactStore['prepare']> | null = null;

  constructor(private readonly db: Database.Database) {}

  /**
   * Records the files of one export in one transaction (all or none).
   * @throws InitScopeError `invalid_input` for a bad hash, size or time; `not_found` for an unknown run
   */
  record(runId: string | null, exportId: string, files: readonly ArtifactInput[], createdAt: string): ArtifactRecord[] {
    const s = this.ready();
    const at = toUtcIso(createdAt, 'createdAt');
    for (const f of files) {
      if (!SHA256.test(f.sha256)) throw new InitScopeError('invalid_input', `artifact ${f.path}: sha256 must be 64 lower-case hex digits`);
      if (!Number.isInteger(f.bytes) || f.bytes < 0) throw new InitScopeError('invalid_input', `artifact ${f.path}: bytes must be a non-negative integer`);
    }
    return s.recordAll(runId, exportId, files, at);
  }

  /** Every file recorded for a run, newest first. */
  listForRun(runId: string): ArtifactRecord[] {
    return this.ready().byRun.all(runId).map(fromRow);
  }

  /** Every recorded file with this sha256 (to check a file found on disk), newest first. */
  findBySha256(sha256: string): ArtifactRecord[] {
    return this.ready().bySha.all(sha256).map(fromRow);
  }

  /** Throws the `internal` error of a database without the artifacts table now, before any file is written. */
  assertReady(): void {
    this.ready();
  }

  private ready() {
    this.statements ??= this.prepare();
    return this.statements;
  }

  private prepare() {
    let insert: Database.Statement;
    try {
      insert = this.db.prepare(
        `INSERT INTO artifacts (run_id, export_id, kind, path, bytes, sha256, created_at)
         VALUES (@runId, @exportId, @kind, @path, @bytes, @sha256, @createdAt) RETURNING ${COLUMNS}`,
      );
    } catch (error) {
      throw new InitScopeError('internal', `The database has no artifacts table (migration 0004_artifacts not applied): ${(error as Error).message}`);
    }
    const runExists = this.db.prepare<[string], number>('SELECT 1 FROM runs WHERE id = ?').pluck();
    const byRun = this.db.prepare<[string], ArtifactRow>(`SELECT ${COLUMNS} FROM artifacts WHERE run_id = ? ORDER BY created_at DESC, id DESC`);
    const bySha = this.db.prepare<[string], ArtifactRow>(`SELECT ${COLUMNS} FROM artifacts WHERE sha256 = ? ORDER BY created_at DESC, id DESC`);
    const recordAll = writeTransaction(this.db, (runId: string | null, exportId: string, files: readonly ArtifactInput[], createdAt: string) => {
      if (runId !== null && !runExists.get(runId)) throw new InitScopeError('not_found', `No run with id ${runId}`);
      return files.map((f) => fromRow(insert.get({ runId, exportId, createdAt, kind: f.kind, path: f.path, bytes: f.bytes, sha256: f.sha256 }) as ArtifactRow));
    });
    return { recordAll, byRun, bySha };
  }
}
