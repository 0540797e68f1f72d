import { parseArgs } from 'node:util';
import { ExportFormat, InitScopeError, type ExportedFile } from '../../contract/index.js';
import { createHostServices } from '../services/create-host.js';
import { resolveStorage } from './train-command.js';

/** The usage lines of `initscope export`, shown in the CLI's help. */
export const EXPORT_USAGE = `  export <runId> --format tfjs|onnx|report [--out DIR] [--db PATH] [--json]
                                                 Write a trained model (TensorFlow.js or ONNX) or an HTML report
                                                 + metrics CSV; prints each file with its sha256 (also stored)
  export <runId> <runId>… --format report [--out DIR] [--db PATH] [--json]
                                                 Comparison report of 2–8 ended runs (overlaid curves, config
                                                 diff, reproducibility per run) + metrics CSV of every run`;

/**
 * `initscope export <runId> --format tfjs|onnx|report [--out DIR] [--db PATH] [--json]`, or with two to
 * eight run ids and `--format report`, a comparison report of those runs.
 * Without --out the files go to a new folder under `<data folder>/exports/`. An existing file is never
 * overwritten. Exit 0 written; 2 invalid input; 1 unknown run, wrong status or a failure.
 * @param argv the arguments after `export`
 */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const runId = positionals[0];
  if (!runId) throw new InitScopeError('invalid_input', `export needs a run id:\n${EXPORT_USAGE}`);
  const format = ExportFormat.safeParse(values.format);
  if (!format.success) {
    throw new InitScopeError(
      'invalid_input',
      `--format must be one of ${ExportFormat.options.join(', ')}${values.format === undefined ? '' : `, got ${values.format}`}`,
    );
  }
  if (positionals.length > 1 && format.data !== 'report') {
    throw new InitScopeError('invalid_input', `several run ids make a comparison, which needs --format report (got ${format.data})`);
  }
  const services = await createHostServices({ ...resolveStorage(values.db), shell: 'cli', workers: 1, recoverInterrupted: false });
  try {
    if (positionals.length > 1) {
      if (!services.compareRuns) throw new Error('this host cannot write comparison reports');
      const result = await services.compareRuns(positionals, values.out);
      if (values.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        process.stdout.write(`Compared ${result.runIds.length} runs in ${result.groups} seed group${result.groups === 1 ? '' : 's'} in ${result.dir}\n`);
        for (const line of result.differences) process.stdout.write(`  ${line}\n`);
        printFiles(result.files);
      }
      return 0;
    }
    if (!services.exportRun) throw new Error('this host cannot export');
    const result = await services.exportRun(runId, format.data, values.out);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      process.stdout.write(`Exported run ${result.runId} as ${result.format} to ${result.dir}\n`);
      printFiles(result.files);
    }
    return 0;
  } finally {
    await services.close();
  }
}

/** One line per written file: sha256, size in bytes, name. */
function printFiles(files: readonly ExportedFile[]): void {
  for (const f of files) process.stdout.write(`  ${f.sha256}  ${String(f.bytes).padStart(9)}  ${f.name}\n`);
}
