import type Database from 'better-sqlite3';
import { InitScopeError, type StepLossPoint } from '../../contract/index.js';
import { writeTransaction } from './busy.js';
import { downsampleEvenly } from './downsample.js';
import { finiteOrNull } from './values.js';

/**
 * Per-step training losses of runs (table `step_losses`, migration 0007). One transaction per
 * {@link append}, idempotent on (run, step): a replayed point replaces the stored one. A non-finite
 * loss is stored as NULL (a divergence).
 */
export class StepLossStore {
  private readonly statements;
  private readonly appendTransaction: (runId: string, points: readonly StepLossPoint[]) => void;

  constructor(db: Database.Database) {
    this.statements = {
      runExists: db.prepare<[string], number>('SELECT 1 FROM runs WHERE id = ?').pluck(),
      upsert: db.prepare<[string, number, number | null]>(
        'INSERT INTO step_losses (run_id, step, loss) VALUES (?, ?, ?) ON CONFLICT (run_id, step) DO UPDATE SET loss = excluded.loss',
      ),
      all: db.prepare<[string], StepLossPoint>('SELECT step, loss FROM step_losses WHERE run_id = ? ORDER BY step'),
    };
    this.appendTransaction = writeTransaction(db, (runId: string, points: readonly StepLossPoint[]) => {
      if (this.statements.runExists.get(runId) === undefined) throw new InitScopeError('not_found', `No run ${runId}`);
      for (const p of points) this.statements.upsert.run(runId, p.step, finiteOrNull(p.loss));
    });
  }

  /**
   * Stores points of a run in one transaction. Throws `not_found` for an unknown run and
   * `invalid_input` for a step that is not an integer ≥ 1 (nothing is written in either case).
   */
  append(runId: string, points: readonly StepLossPoint[]): void {
    for (const p of points) {
      if (!(Number.isInteger(p.step) && p.step >= 1))
        throw new InitScopeError('invalid_input', `Bad step-loss point: step must be an integer >= 1, got ${p.step}`);
    }
    if (points.length > 0) this.appendTransaction(runId, points);
  }

  /**
   * A run's points in step order; with `maxPoints` (integer ≥ 2) at most that many, evenly spaced, the
   * first and the last kept (a divergence's null point is the last). An unknown run gives [].
   */
  get(runId: string, maxPoints?: number): StepLossPoint[] {
    if (maxPoints !== undefined && !(Number.isInteger(maxPoints) && maxPoints >= 2)) {
      throw new InitScopeError('invalid_input', `maxPoints must be an integer >= 2, got ${maxPoints}`);
    }
    const rows = this.statements.all.all(runId);
    return maxPoints === undefined ? rows : downsampleEvenly(rows, maxPoints);
  }
}
