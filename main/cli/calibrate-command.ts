import { calibrationKeyText } from '../../contract/index.js';
import { ensureSplitCalibration, SPLIT_CALIBRATION_LOCK } from '../services/split-calibrate.js';
import { SPLIT_CALIBRATION_FILE } from '../services/split-calibration-store.js';
import { resolveStorage } from './train-command.js';

/** Usage line of `initscope calibrate`. */
export const CALIBRATE_USAGE = `  calibrate [--force] [--db PATH] [--json]      Measure once whether a run computing its batches in two parts on two
                                                 cores beats one core on this machine; stored in the data folder
                                                 (${SPLIT_CALIBRATION_FILE}) and used to decide each run's step layout;
                                                 optional: the app and \`serve\` measure it on first use`;

/**
 * `initscope calibrate`: measures (or, unless `force`, shows the stored) split calibration of this
 * machine and prints its threshold and measured steps.
 * @returns exit code 0
 */
export async function calibrateCommand(options: { db?: string; json: boolean; force: boolean }): Promise<number> {
  const { dataDir } = resolveStorage(options.db);
  const outcome = await ensureSplitCalibration(dataDir, { force: options.force });
  if (!outcome)
    throw new Error(`another InitScope process is still measuring the split calibration of ${dataDir} (lock ${SPLIT_CALIBRATION_LOCK}); try again in a minute`);
  const { calibration, measured } = outcome;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ measured, calibration })}\n`);
    return 0;
  }
  const threshold = calibration.minSplitFlops === null ? 'never (whole batches)' : `from ${(calibration.minSplitFlops / 1e6).toFixed(1)} MFLOP per step`;
  const lines = [
    `${measured ? 'Measured' : 'Stored'} split calibration for ${calibrationKeyText(calibration.key)} (${calibration.measuredAt})`,
    `Two parts on two cores: ${threshold}`,
    ...calibration.points.map(
      (p) =>
        `  ${(p.flops / 1e6).toFixed(1).padStart(7)} MFLOP  whole ${p.wholeMs.toFixed(2)} ms  two parts ${p.splitMs.toFixed(2)} ms  ×${(p.wholeMs / p.splitMs).toFixed(2)}`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
