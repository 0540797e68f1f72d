import type Database from 'better-sqlite3';
import { InitScopeError, type LayerStats, type LayerStatsRecord } from '../../contract/index.js';
import { writeTransaction } from './busy.js';
import { evenlySpacedIndices } from './downsample.js';
import { finiteOrNull } from './values.js';

/** A `layer_stats` row. */
interface LayerStatsRow {
  step: number;
  epoch: number;
  layer_index: number;
  layer: string;
  activation_mean: number | null;
  activation_std: number | null;
  zero_fraction: number | null;
  dead_fraction: number | null;
  saturated_fraction: number | null;
  weight_std: number | null;
  gradient_norm: number | null;
  update_ratio: number | null;
  histogram_json: string;
  distributions_json: string | null;
}

/** The LayerStats fields kept in `distributions_json` (migration 0007). */
type Distributions = Pick<LayerStats, 'rangeHistogram' | 'weightPercentiles' | 'gradientPercentiles'>;

/** A layer's distributions as stored: null when it has none; non-finite numbers make their field null. */
function distributionsJson(s: LayerStats): string | null {
  const finite = (list: number[] | null | undefined) => (list && list.every(Number.isFinite) ? list : null);
  const range = s.rangeHistogram;
  const out: Distributions = {
    rangeHistogram: range && Number.isFinite(range.min) && Number.isFinite(range.max) && finite(range.counts) ? range : null,
    weightPercentiles: finite(s.weightPercentiles),
    gradientPercentiles: finite(s.gradientPercentiles),
  };
  return out.rangeHistogram || out.weightPercentiles || out.gradientPercentiles ? JSON.stringify(out) : null;
}

/** The distributions of a stored row (none for rows stored before migration 0007). */
function distributionsFromJson(json: string | null): Distributions {
  if (json === null) return {};
  const d = JSON.parse(json) as Distributions;
  return { rangeHistogram: d.rangeHistogram ?? null, weightPercentiles: d.weightPercentiles ?? null, gradientPercentiles: d.gradientPercentiles ?? null };
}

const COLUMNS =
  'step, epoch, layer_index, layer, activation_mean, activation_std, zero_fraction, dead_fraction, saturated_fraction, ' +
  'weight_std, gradient_norm, update_ratio, histogram_json, distributions_json';

function statsFromRow(row: LayerStatsRow): LayerStats {
  return {
    layer: row.layer,
    index: row.layer_index,
    activationMean: row.activation_mean,
    activationStd: row.activation_std,
    zeroFraction: row.zero_fraction,
    deadFraction: row.dead_fraction,
    saturatedFraction: row.saturated_fraction,
    histogram: JSON.parse(row.histogram_json) as number[],
    weightStd: row.weight_std,
    gradientNorm: row.gradient_norm,
    updateRatio: row.update_ratio,
    ...distributionsFromJson(row.distributions_json),
  };
}

/**
 * Per-layer statistics of runs (table `layer_stats`, migration 0002; distributions: 0007). Writes are batched: one
 * transaction per {@link append} call, idempotent on (run, step, layer). Non-finite values are stored as null.
 */
export class LayerStatsStore {
  private readonly statements;
  private readonly appendTransaction: (runId: string, records: readonly LayerStatsRecord[]) => void;

  constructor(db: Database.Database) {
    this.statements = {
      runExists: db.prepare<[string], number>('SELECT 1 FROM runs WHERE id = ?').pluck(),
      upsert: db.prepare(
        `INSERT INTO layer_stats (run_id, ${COLUMNS})
         VALUES (@runId, @step, @epoch, @index, @layer, @activationMean, @activationStd, @zeroFraction, @deadFraction,
                 @saturatedFraction, @weightStd, @gradientNorm, @updateRatio, @histogramJson, @distributionsJson)
         ON CONFLICT (run_id, step, layer_index) DO UPDATE SET epoch = excluded.epoch, layer = excluded.layer,
           activation_mean = excluded.activation_mean, activation_std = excluded.activation_std,
           zero_fraction = excluded.zero_fraction, dead_fraction = excluded.dead_fraction,
           saturated_fraction = excluded.saturated_fraction, weight_std = excluded.weight_std,
           gradient_norm = excluded.gradient_norm, update_ratio = excluded.update_ratio,
           histogram_json = excluded.histogram_json, distributions_json = excluded.distributions_json`,
      ),
      steps: db.prepare<[string], number>('SELECT DISTINCT step FROM layer_stats WHERE run_id = ? ORDER BY step').pluck(),
      all: db.prepare<[string], LayerStatsRow>(`SELECT ${COLUMNS} FROM layer_stats WHERE run_id = ? ORDER BY step, layer_index`),
    };
    this.appendTransaction = writeTransaction(db, (runId: string, records: readonly LayerStatsRecord[]) => {
      if (this.statements.runExists.get(runId) === undefined) throw new InitScopeError('not_found', `No run ${runId}`);
      for (const record of records) {
        for (const s of record.layers) {
          this.statements.upsert.run({
            runId,
            step: record.step,
            epoch: record.epoch,
            index: s.index,
            layer: s.layer,
            activationMean: finiteOrNull(s.activationMean),
            activationStd: finiteOrNull(s.activationStd),
            zeroFraction: finiteOrNull(s.zeroFraction),
            deadFraction: finiteOrNull(s.deadFraction),
            saturatedFraction: finiteOrNull(s.saturatedFraction),
            weightStd: finiteOrNull(s.weightStd),
            gradientNorm: finiteOrNull(s.gradientNorm),
            updateRatio: finiteOrNull(s.updateRatio),
            histogramJson: JSON.stringify(s.histogram.map((v) => (Number.isFinite(v) ? v : 0))),
            distributionsJson: distributionsJson(s),
          });
        }
      }
    });
  }

  /**
   * Stores records of a run in one transaction. Throws `not_found` for an unknown run (nothing is
   * written), `invalid_input` for a step or epoch that is not an integer ≥ 0.
   */
  append(runId: string, records: readonly LayerStatsRecord[]): void {
    for (const r of records) {
      if (!(Number.isInteger(r.step) && r.step >= 0 && Number.isInteger(r.epoch) && r.epoch >= 0)) {
        throw new InitScopeError('invalid_input', `Bad layer-stats record (step and epoch must be integers >= 0): step ${r.step}, epoch ${r.epoch}`);
      }
    }
    if (records.length > 0) this.appendTransaction(runId, records);
  }

  /**
   * A run's records ordered by step. With `maxPoints` (integer ≥ 2) and more recorded steps than
   * that, keeps `maxPoints` evenly spaced steps, the first and last included. An unknown run or one
   * without statistics gives [].
   */
  get(runId: string, maxPoints?: number): LayerStatsRecord[] {
    if (maxPoints !== undefined && !(Number.isInteger(maxPoints) && maxPoints >= 2)) {
      throw new InitScopeError('invalid_input', `maxPoints must be an integer >= 2, got ${maxPoints}`);
    }
    const steps = this.statements.steps.all(runId);
    const keep = new Set(maxPoints === undefined ? steps : evenlySpacedIndices(steps.length, maxPoints).map((i) => steps[i] as number));
    const records: LayerStatsRecord[] = [];
    for (const row of this.statements.all.iterate(runId) as Iterable<LayerStatsRow>) {
      if (!keep.has(row.step)) continue;
      let last = records[records.length - 1];
      if (!last || last.step !== row.step) {
        last = { step: row.step, epoch: row.epoch, layers: [] };
        records.push(last);
      }
      last.layers.push(statsFromRow(row));
    }
    return records;
  }
}
