import { parseArgs } from 'node:util';
import { DatasetImportOptions, InitScopeError, parseOrThrow, type DatasetInfo } from '../../contract/index.js';
import { createHostServices } from '../services/create-host.js';
import { resolveStorage } from './train-command.js';

export const DATASETS_USAGE = `  datasets import <path> [--format idx|csv|images|npy] [--label COL] [--labels FILE] [--name NAME]
          [--classes K] [--normalize none|unit|standardize] [--validation F] [--test F] [--split-seed N]
          [--test-file FILE [--test-labels FILE]] [--image-size HxW] [--db PATH] [--json]
                                                 Import a dataset into the data folder (a folder of
                                                 train-/t10k- IDX files imports as one, t10k its test part)
  datasets list [--db PATH] [--json]             List datasets (--json: the imported ones)
  datasets delete <id> [--db PATH]               Delete an imported dataset`;

/** The fields `datasets list --json` and `datasets import --json` print for each dataset, then the rest. */
function summary(info: DatasetInfo): Record<string, unknown> {
  const { id, name, inputShape, numClasses, counts, ...rest } = info;
  return { id, name, inputShape, numClasses, counts, ...rest };
}

const num = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InitScopeError('invalid_input', `${flag} must be a number, got ${value}`);
  return n;
};

/** The warning printed when a CSV's header cells look like numbers (see main/datasets/header-check.ts). */
export function numericHeaderWarning(cells: readonly string[]): string {
  const shown =
    cells
      .slice(0, 5)
      .map((c) => `'${c}'`)
      .join(', ') + (cells.length > 5 ? ', …' : '');
  return (
    `Warning: header cells ${shown} look like numbers, not column names. If the first line is data or a count line ` +
    `(scikit-learn's iris.csv starts with '150,4,…'), remove it or add a header row, then import again.`
  );
}

/** Builds import options from the command line (validated by the contract's schema). */
function importOptions(path: string, values: Record<string, string | boolean | undefined>): DatasetImportOptions {
  const str = (key: string) => values[key] as string | undefined;
  const size = str('image-size');
  const sizeMatch = size === undefined ? null : /^(\d+)[x×](\d+)$/i.exec(size);
  if (size !== undefined && !sizeMatch) throw new InitScopeError('invalid_input', `--image-size must look like 28x28, got ${size}`);
  const split = {
    ...(str('validation') !== undefined ? { validation: num(str('validation'), '--validation') } : {}),
    ...(str('test') !== undefined ? { test: num(str('test'), '--test') } : {}),
    ...(str('split-seed') !== undefined ? { seed: num(str('split-seed'), '--split-seed') } : {}),
  };
  const raw = {
    path,
    ...(str('format') ? { format: str('format') } : {}),
    ...(str('label') ? { label: str('label') } : {}),
    ...(str('labels') ? { labelsPath: str('labels') } : {}),
    ...(str('test-file') ? { testPath: str('test-file') } : {}),
    ...(str('test-labels') ? { testLabelsPath: str('test-labels') } : {}),
    ...(str('name') ? { name: str('name') } : {}),
    ...(str('classes') ? { classes: num(str('classes'), '--classes') } : {}),
    ...(str('normalize') ? { normalization: str('normalize') } : {}),
    ...(sizeMatch ? { imageShape: [Number(sizeMatch[1]), Number(sizeMatch[2])] } : {}),
    split: { validation: 0.2, test: 0, seed: 1, ...split },
  };
  return parseOrThrow(DatasetImportOptions, raw, 'import options');
}

/**
 * `initscope datasets import|list|delete`: imports a file into the app's data folder (printing the
 * dataset: id, name, inputShape, numClasses, counts), lists datasets, or deletes one. Resolves to the exit code.
 */
export async function datasetsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      format: { type: 'string' },
      label: { type: 'string' },
      labels: { type: 'string' },
      'test-file': { type: 'string' },
      'test-labels': { type: 'string' },
      name: { type: 'string' },
      classes: { type: 'string' },
      normalize: { type: 'string' },
      validation: { type: 'string' },
      test: { type: 'string' },
      'split-seed': { type: 'string' },
      'image-size': { type: 'string' },
    },
  });
  const [sub, arg] = positionals;
  if (sub !== 'import' && sub !== 'list' && sub !== 'delete') {
    throw new InitScopeError('invalid_input', `Unknown datasets subcommand: ${sub ?? '(none)'}\n\n${DATASETS_USAGE}`);
  }
  if ((sub === 'import' || sub === 'delete') && !arg)
    throw new InitScopeError('invalid_input', `datasets ${sub} needs a ${sub === 'import' ? 'path' : 'dataset id'}`);
  const options = sub === 'import' ? importOptions(arg as string, values) : undefined;
  const services = await createHostServices({ ...resolveStorage(values.db), shell: 'cli', workers: 1, recoverInterrupted: false });
  const out = process.stdout;
  try {
    if (sub === 'import') {
      // On a terminal, the host's progress (reading / decoding / writing) is redrawn on one stderr line.
      const offProgress =
        process.stderr.isTTY && !values.json
          ? services.onDatasetImportEvent?.((e) =>
              process.stderr.write(`\r${e.phase} ${e.done.toLocaleString('en-US')} / ${e.total.toLocaleString('en-US')} ${e.unit}    `),
            )
          : undefined;
      // The CLI is trusted (the user's own shell): its paths become source handles on the host.
      const { path, labelsPath, testPath, testLabelsPath, ...rest } = options as DatasetImportOptions;
      const sources = services.sources;
      if (!sources) throw new InitScopeError('internal', 'This host cannot read files');
      const request = {
        ...rest,
        source: sources.registerPath(path),
        ...(labelsPath ? { labelsSource: sources.registerPath(labelsPath) } : {}),
        ...(testPath ? { testSource: sources.registerPath(testPath) } : {}),
        ...(testLabelsPath ? { testLabelsSource: sources.registerPath(testLabelsPath) } : {}),
      };
      const { dataset, existing, numericHeader } = await services.handlers['datasets/import'](request).finally(() => {
        if (offProgress) process.stderr.write('\n');
        offProgress?.();
      });
      if (numericHeader) process.stderr.write(`${numericHeaderWarning(numericHeader)}\n`);
      if (values.json) out.write(`${JSON.stringify({ ...summary(dataset), existing, ...(numericHeader ? { numericHeader } : {}) }, null, 2)}\n`);
      else {
        const c = dataset.counts;
        out.write(
          `${existing ? 'Already stored' : 'Imported'}: ${dataset.id}  ${dataset.name}  [${dataset.inputShape.join('×')}]  ${dataset.numClasses} classes  ` +
            `${c ? `${c.train} train / ${c.validation} validation / ${c.test} test` : ''}` +
            `${dataset.testSource ? ` (test part from ${dataset.testSource})` : ''}\n`,
        );
      }
      return 0;
    }
    if (sub === 'delete') {
      const { deleted } = await services.handlers['datasets/delete']({ id: arg as string });
      if (!deleted) throw new InitScopeError('not_found', `No dataset with id ${arg}`);
      out.write(`Deleted ${arg}\n`);
      return 0;
    }
    const all = await services.handlers['datasets/list']({});
    if (values.json) {
      out.write(`${JSON.stringify(all.filter((d) => !d.builtin).map(summary), null, 2)}\n`);
      return 0;
    }
    for (const d of all) {
      const c = d.counts ? `  ${d.counts.train}/${d.counts.validation}/${d.counts.test}` : '';
      out.write(
        `${(d.id ?? `builtin:${d.name}`).padEnd(22)}  [${d.inputShape.join('×')}]  ${String(d.numClasses).padStart(3)} classes${c}  ${d.builtin ? d.description : d.name}\n`,
      );
    }
    return 0;
  } finally {
    await services.close();
  }
}
