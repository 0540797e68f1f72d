import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InitScopeError, SweepMetric } from '../../contract/index.js';
import { appVersion } from '../app-paths.js';
import { sweepReportHtml } from '../export/report/sweep-report-html.js';
import { createHostServices } from '../services/create-host.js';
import { resolveStorage } from './train-command.js';

/** The usage lines of `initscope sweep export`, shown in the CLI's help. */
export const SWEEP_EXPORT_USAGE = `  sweep export <sweepId> [--csv FILE] [--db PATH] [--json]
                                                 CSV of every run of a sweep: grid place, status, flattened
                                                 configuration (config.…) and final metrics; sha256 stored
  sweep export <sweepId> --html FILE [--metric M] [--db PATH]
                                                 HTML report: heatmap of the final metric (default testAcc
                                                 where runs have one, else valAcc) with the 6·ξ_c trainable-
                                                 depth line for depth × σ_w² sweeps, and the ranking`;

/**
 * `initscope sweep export <sweepId> [--csv FILE] [--db PATH] [--json]`: writes the sweep's CSV (one row
 * per run, see main/export/sweep-csv.ts) to FILE, or without `--csv` to a new file under
 * `<data folder>/exports/sweeps/<sweepId>/`. An existing file is never overwritten. Prints the file with
 * its sha256 (with `--json`, the SweepExportResult). Exit 0 written; 2 invalid input; 1 unknown sweep
 * or an existing file.
 * @param argv the arguments after `sweep export`
 */
export async function sweepExportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      csv: { type: 'string' },
      html: { type: 'string' },
      metric: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const sweepId = positionals[0];
  if (!sweepId || positionals.length > 1) throw new InitScopeError('invalid_input', `sweep export needs one sweep id:\n${SWEEP_EXPORT_USAGE}`);
  if (values.csv !== undefined && !values.csv.toLowerCase().endsWith('.csv')) {
    throw new InitScopeError('invalid_input', `--csv must name a .csv file, got ${values.csv}`);
  }
  if (values.html !== undefined && !values.html.toLowerCase().endsWith('.html')) {
    throw new InitScopeError('invalid_input', `--html must name a .html file, got ${values.html}`);
  }
  if (values.html !== undefined && values.csv !== undefined) throw new InitScopeError('invalid_input', '--html and --csv: one file per call');
  const metric = values.metric === undefined ? undefined : SweepMetric.safeParse(values.metric);
  if (metric && !metric.success) throw new InitScopeError('invalid_input', `--metric must be one of ${SweepMetric.options.join(', ')}, got ${values.metric}`);
  const services = await createHostServices({ ...resolveStorage(values.db), shell: 'cli', workers: 1, recoverInterrupted: false });
  try {
    if (values.html !== undefined) {
      const path = resolve(values.html);
      const detail = await services.handlers['sweeps/get']({ sweepId });
      const hasTest = detail.runs.some((r) => r.metrics.testAcc != null);
      const summary = await services.handlers['sweeps/summary']({ sweepId, metric: metric?.data ?? (hasTest ? 'testAcc' : 'valAcc') });
      const html = sweepReportHtml(summary, { generatedAt: new Date().toISOString(), appVersion: appVersion() });
      try {
        writeFileSync(path, html, { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new InitScopeError('conflict', `${path} exists; the report never overwrites a file`);
        throw error;
      }
      process.stdout.write(`Wrote the HTML report of sweep ${summary.sweepId} (${summary.metric}) to ${path}\n`);
      return 0;
    }
    if (!services.exportSweep) throw new Error('this host cannot export sweeps');
    const result = await services.exportSweep(sweepId, values.csv);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const file = result.files[0];
      process.stdout.write(`Exported ${result.runs} runs of sweep ${result.sweepId} to ${file?.path ?? result.dir}\n`);
      if (file) process.stdout.write(`  ${file.sha256}  ${String(file.bytes).padStart(9)}  ${file.name}\n`);
    }
    return 0;
  } finally {
    await services.close();
  }
}
