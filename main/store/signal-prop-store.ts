import type Database from 'better-sqlite3';
import { InitScopeError, type SignalPropRecord } from '../../contract/index.js';
import { writeTransaction } from './busy.js';
import { evenlySpacedIndices } from './downsample.js';
import { finiteOrNull } from './values.js';

/** A `signal_prop` row. */
interface SignalPropRow {
  step: number;
  epoch: number;
  layer_index: number;
  layer: string;
  block: number;
  squared_mean: number | null;
  variance: number | null;
  branch_squared_mean: number | null;
  branch_variance: number | null;
}

const COLUMNS = 'step, epoch, layer_index, layer, block, squared_mean, variance, branch_squared_mean, branch_variance';

/**
 * Signal propagation of runs' residual blocks (table `signal_prop`, migration 0010_resnet): one row per
 * (run, step, block). One transaction per {@link append} call, idempotent on (run, step, layer index);
 * non-finite values are stored as null.
 */
export class SignalPropStore {
  private readonly statements;
  private readonly appendTransaction: (runId: string, records: readonly SignalPropRecord[]) => void;

  constructor(db: Database.Database) {
    this.statements = {
      runExists: db.prepare<[string], number>('SELECT 1 FROM runs WHERE id = ?').pluck(),
      upsert: db.prepare(
        `INSERT INTO signal_prop (run_id, ${COLUMNS})
         VALUES (@runId, @step, @epoch, @index, @layer, @block, @squaredMean, @variance, @branchSquaredMean, @branchVariance)
         ON CONFLICT (run_id, step, layer_index) DO UPDATE SET epoch = excluded.epoch, layer = excluded.layer,
           block = excluded.block, squared_mean = excluded.squared_mean, variance = excluded.variance,
           branch_squared_mean = excluded.branch_squared_mean, branch_variance = excluded.branch_variance`,
      ),
      steps: db.prepare<[string], number>('SELECT DISTINCT step FROM signal_prop WHERE run_id = ? ORDER BY step').pluck(),
      all: db.prepare<[string], SignalPropRow>(`SELECT ${COLUMNS} FROM signal_prop WHERE run_id = ? ORDER BY step, layer_index`),
    };
    this.appendTransaction = writeTransaction(db, (runId: string, records: readonly SignalPropRecord[]) => {
      if (this.statements.runExists.get(runId) === undefined) throw new InitScopeError('not_found', `No run ${runId}`);
      for (const record of records) {
        for (const b of record.blocks) {
          this.statements.upsert.run({
            runId,
            step: record.step,
            epoch: record.epoch,
            index: b.index,
            layer: b.layer,
            block: b.block,
            squaredMean: finiteOrNull(b.squaredMean),
            variance: finiteOrNull(b.variance),
            branchSquaredMean: finiteOrNull(b.branchSquaredMean ?? null),
            branchVariance: finiteOrNull(b.branchVariance),
          });
        }
      }
    });
  }

  /**
   * Stores records of a run in one transaction. Throws `not_found` for an unknown run (nothing is
   * written), `invalid_input` for a step, epoch, layer index or block that is not an integer ≥ 0.
   */
  append(runId: string, records: readonly SignalPropRecord[]): void {
    const whole = (n: number): boolean => Number.isInteger(n) && n >= 0;
    for (const r of records) {
      if (!whole(r.step) || !whole(r.epoch) || !r.blocks.every((b) => whole(b.index) && whole(b.block))) {
        throw new InitScopeError('invalid_input', `Bad signal-propagation record at step ${r.step}: step, epoch, layer index and block must be integers >= 0`);
      }
    }
    if (records.some((r) => r.blocks.length > 0)) this.appendTransaction(runId, records);
  }

  /**
   * A run's records ordered by step (blocks in network order). With `maxPoints` (integer ≥ 2) and more
   * recorded steps than that, keeps `maxPoints` evenly spaced steps, the first and last included. An
   * unknown run or one without residual blocks gives [].
   */
  get(runId: string, maxPoints?: number): SignalPropRecord[] {
    if (maxPoints !== undefined && !(Number.isInteger(maxPoints) && maxPoints >= 2)) {
      throw new InitScopeError('invalid_input', `maxPoints must be an integer >= 2, got ${maxPoints}`);
    }
    const steps = this.statements.steps.all(runId);
    const keep = new Set(maxPoints === undefined ? steps : evenlySpacedIndices(steps.length, maxPoints).map((i) => steps[i] as number));
    const records: SignalPropRecord[] = [];
    for (const row of this.statements.all.iterate(runId) as Iterable<SignalPropRow>) {
      if (!keep.has(row.step)) continue;
      let last = records[records.length - 1];
      if (!last || last.step !== row.step) {
        last = { step: row.step, epoch: row.epoch, blocks: [] };
        records.push(last);
      }
      last.blocks.push({
        layer: row.layer,
        index: row.layer_index,
        block: row.block,
        squaredMean: row.squared_mean,
        variance: row.variance,
        branchVariance: row.branch_variance,
        branchSquaredMean: row.branch_squared_mean,
      });
    }
    return records;
  }
}
