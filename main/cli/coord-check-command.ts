import { parseArgs } from 'node:util';
import { CoordCheckRequest, InitScopeError, isStoredDatasetRef, parseOrThrow, type CoordCheckResult } from '../../contract/index.js';
import { createHostServices } from '../services/create-host.js';
import { EnginePool } from '../services/engine-pool.js';
import { forkWorkerLauncher } from '../services/worker-launcher.js';
import { readExperimentFile } from './read-experiment.js';
import { resolveStorage } from './train-command.js';

export const COORD_CHECK_USAGE = `  coord-check <experiment.json> [--widths 64,128,256,512] [--steps 3] [--seeds 3] [--base-width N]
              [--optimizer adam|sgd] [--lr X] [--output-init gaussian|zero] [--db PATH] [--json]
                                                 μP coordinate check: the experiment's MLP trained a few steps at each
                                                 width under standard parametrization and μP; mean |activation| per
                                                 layer and step, and its log-log slope over width (≈ 0: width-stable)`;

/** Parses a comma-separated list of integers. @throws invalid_input naming the option */
export function parseIntList(text: string, option: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p === '') || values.some((v) => !Number.isInteger(v))) {
    throw new InitScopeError('invalid_input', `${option} must be comma-separated integers, e.g. 64,128,256, got ${text}`);
  }
  return values;
}

/** Parses a numeric option; undefined when absent. @throws invalid_input naming the option */
function numberOption(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new InitScopeError('invalid_input', `${option} must be a number, got ${text}`);
  return v;
}

/** Builds the request from the command's arguments (without the subcommand name). @throws invalid_input naming the option or field */
export function coordCheckRequestFromArgs(argv: string[]): { request: CoordCheckRequest; json: boolean; db?: string; file: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      widths: { type: 'string', default: '64,128,256,512' },
      steps: { type: 'string' },
      seeds: { type: 'string' },
      'base-width': { type: 'string' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      'output-init': { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file) throw new InitScopeError('invalid_input', 'coord-check needs an experiment file: initscope coord-check <experiment.json>');
  const experiment = readExperimentFile(file);
  const raw = {
    experiment,
    widths: parseIntList(values.widths, '--widths'),
    ...(values.steps !== undefined ? { steps: numberOption(values.steps, '--steps') } : {}),
    ...(values.seeds !== undefined ? { seeds: numberOption(values.seeds, '--seeds') } : {}),
    ...(values['base-width'] !== undefined ? { baseWidth: numberOption(values['base-width'], '--base-width') } : {}),
    ...(values.optimizer !== undefined ? { optimizer: values.optimizer } : {}),
    ...(values.lr !== undefined ? { learningRate: numberOption(values.lr, '--lr') } : {}),
    ...(values['output-init'] !== undefined ? { outputInit: values['output-init'] } : {}),
  };
  const request = parseOrThrow(CoordCheckRequest, raw, 'coord-check options');
  return { request, json: values.json, file, ...(values.db !== undefined ? { db: values.db } : {}) };
}

const fmt = (v: number | null): string => (v === null ? '—' : v.toPrecision(3));

/** A text table of a result: one row per parametrization, step and layer. */
export function formatCoordCheck(result: CoordCheckResult): string {
  const lines = [
    `μP coordinate check: ${result.optimizer}, η = ${result.learningRate}, base width ${result.baseWidth}, ${result.seeds} seed(s); mean |activation|`,
    `${'param'.padEnd(10)}${'step'.padStart(5)}  ${'layer'.padEnd(10)}${result.widths.map((w) => `w=${w}`.padStart(10)).join('')}${'slope'.padStart(9)}`,
  ];
  for (const curve of result.curves) {
    for (const c of curve.cells) {
      lines.push(
        `${(curve.parametrization === 'mup' ? 'μP' : 'SP').padEnd(10)}${String(c.step).padStart(5)}  ${(result.layers[c.layer] ?? '').padEnd(10)}${c.meanAbs.map((v) => fmt(v).padStart(10)).join('')}${(c.slope === null ? '—' : c.slope.toFixed(2)).padStart(9)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `initscope coord-check <experiment.json> [--widths …] [--json]`: the μP coordinate check, computed in
 * an engine worker (built-in datasets need no database; imported ones are resolved through the store).
 * With `--json`, the CoordCheckResult as one JSON value; otherwise a table. Resolves to the exit code (0).
 */
export async function coordCheckCommand(argv: string[]): Promise<number> {
  const { request, json, db } = coordCheckRequestFromArgs(argv);
  let result: CoordCheckResult;
  if (isStoredDatasetRef(request.experiment.dataset)) {
    const services = await createHostServices({ ...resolveStorage(db), shell: 'cli', workers: 1, recoverInterrupted: false });
    try {
      result = await services.handlers['lab/coordCheck'](request);
    } finally {
      await services.close();
    }
  } else {
    const pool = new EnginePool({ launcher: forkWorkerLauncher(), size: 1 });
    try {
      result = await pool.coordCheck({ request });
    } finally {
      await pool.close();
    }
  }
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : formatCoordCheck(result));
  return 0;
}
