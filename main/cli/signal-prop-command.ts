import { parseArgs } from 'node:util';
import { InitScopeError, isStoredDatasetRef, type SignalPropBlock, type SignalPropRecord } from '../../contract/index.js';
import { createHostServices } from '../services/create-host.js';
import { EnginePool } from '../services/engine-pool.js';
import { forkWorkerLauncher } from '../services/worker-launcher.js';
import { readExperimentFile } from './read-experiment.js';
import { resolveStorage } from './train-command.js';

export const SIGNAL_PROP_USAGE = `  signal-prop <experiment.json> [--probe N] [--db PATH] [--json]
                                                 Signal propagation at init of the network's residual blocks
                                                 (Brock et al. 2021): per block the average channel squared mean
                                                 and variance of the residual stream and the branch's variance
                                                 (a run's, during training: runs signal-prop <runId>)`;

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v.toPrecision(4));

/** A text table of signal-propagation blocks: one row per block. */
export function formatSignalProp(blocks: readonly SignalPropBlock[], title: string): string {
  if (blocks.length === 0) return `${title}: the network has no residual blocks\n`;
  const head = `${'block'.padStart(5)}  ${'layer'.padEnd(14)}${'squared mean'.padStart(14)}${'variance'.padStart(14)}${'branch var'.padStart(14)}`;
  const rows = blocks.map(
    (b) =>
      `${String(b.block).padStart(5)}  ${b.layer.padEnd(14)}${fmt(b.squaredMean).padStart(14)}${fmt(b.variance).padStart(14)}${fmt(b.branchVariance).padStart(14)}`,
  );
  return `${[title, head, ...rows].join('\n')}\n`;
}

/** A run's records as text: one table per recorded step. */
export function formatSignalPropRecords(runId: string, records: readonly SignalPropRecord[]): string {
  if (records.length === 0) return `${runId}: no signal propagation stored (no residual blocks, or no statistics recorded)\n`;
  return records.map((r) => formatSignalProp(r.blocks, `${runId} step ${r.step} (epoch ${r.epoch})`)).join('\n');
}

/**
 * `initscope signal-prop <experiment.json> [--probe N] [--json]`: the init preview's signal propagation
 * of the experiment's residual blocks, computed in an engine worker (imported datasets are resolved
 * through the store). With `--json`, the SignalPropBlock list as one JSON value. Resolves to the exit code (0).
 */
export async function signalPropCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { probe: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file) throw new InitScopeError('invalid_input', 'signal-prop needs an experiment file: initscope signal-prop <experiment.json>');
  const probeSize = values.probe === undefined ? undefined : Number(values.probe);
  if (probeSize !== undefined && !(Number.isInteger(probeSize) && probeSize >= 2 && probeSize <= 4096)) {
    throw new InitScopeError('invalid_input', `--probe must be an integer from 2 to 4096, got ${values.probe}`);
  }
  const experiment = readExperimentFile(file);
  const request = { experiment, ...(probeSize !== undefined ? { probeSize } : {}) };
  let blocks: SignalPropBlock[];
  if (isStoredDatasetRef(experiment.dataset)) {
    const services = await createHostServices({ ...resolveStorage(values.db), shell: 'cli', workers: 1, recoverInterrupted: false });
    try {
      blocks = (await services.handlers['engine/preview'](request))[0]?.signalProp ?? [];
    } finally {
      await services.close();
    }
  } else {
    const pool = new EnginePool({ launcher: forkWorkerLauncher(), size: 1 });
    try {
      blocks = (await pool.preview(request))[0]?.signalProp ?? [];
    } finally {
      await pool.close();
    }
  }
  process.stdout.write(values.json ? `${JSON.stringify(blocks)}\n` : formatSignalProp(blocks, `${file}: signal propagation at init`));
  return 0;
}
