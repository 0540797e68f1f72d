import { parseArgs } from 'node:util';
import { ExportFormat, InitScopeError } from '../../contract/index.js';
import { createHostServices } from '../services/create-host.js';
import { resolveStorage } from './train-command.js';

/** The usage lines of `initscope export`, shown in the CLI's help. */
export const EXPORT_USAGE = `  export <runId> --format tfjs|onnx|report [--out DIR] [--db PATH] [--json]
                                                 Write a trained model (TensorFlow.js or ONNX) or an HTML report
                                                 + metrics CSV; prints each file with its sha256 (also stored)`;

/**
 * `initscope export <runId> --format tfjs|onnx|report [--out DIR] [--db PATH] [--json]`.
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
  if (!runId || positionals.length > 1) throw new InitScopeError('invalid_input', `export needs one run id:\n${EXPORT_USAGE}`);
  const format = ExportFormat.safeParse(values.format);
  if (!format.success) {
    throw new InitScopeError('invalid_input', `--format must be one of ${ExportFormat.options.join(', ')}${values.format === undefined ? '' : `, got ${values.format}`}`);
  }
  const services = await createHostServices({ ...resolveStorage(values.db), shell: 'cli', workers: 1, recoverInterrupted: false });
  try {
    if (!services.exportRun) throw new Error('this host cannot export');
    const result = await services.exportRun(runId, format.data, values.out);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      process.stdout.write(`Exported run ${result.runId} as ${result.format} to ${result.dir}\n`);
      for (const f of result.files) process.stdout.write(`  ${f.sha256}  ${String(f.bytes).padStart(9)}  ${f.name}\n`);
    }
    return 0;
  } finally {
    await services.close();
  }
}
