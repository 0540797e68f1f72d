import {
  InitializerSpec,
  InitScopeError,
  isStoredDatasetRef,
  layerDisplayName,
  parseOrThrow,
  type PreviewLayer,
  type PreviewResult,
} from '../../contract/index.js';
import { createHostServices } from '../services/create-host.js';
import { EnginePool } from '../services/engine-pool.js';
import { forkWorkerLauncher } from '../services/worker-launcher.js';
import { readExperimentFile } from './read-experiment.js';
import { resolveStorage } from './train-command.js';

export interface InspectOptions {
  file: string;
  db?: string;
  json: boolean;
  /** `--init`: an initializer name (e.g. `heNormal`) or JSON spec applied to every dense/conv2d kernel. */
  init?: string;
}

/** One line of `initscope inspect --json`: a layer of the init preview. */
export interface InspectLayer {
  layer: string;
  type: string;
  activation: string | null;
  /** Measured std of the layer output on the probe batch. */
  activationStd: number | null;
  /** Mean-field theoretical std of the layer output (null where undefined). */
  theoryStd: number | null;
  /** Std of ∂loss/∂(layer output). */
  gradientStd: number | null;
  /** L2 norm of ∂loss/∂(layer parameters) (null without parameters). */
  gradientNorm: number | null;
  weightStd: number | null;
  theoryWeightStd: number | null;
}

/** Parses `--init`: a bare name, or a JSON object. @throws invalid_input naming the option */
export function parseInitOption(text: string): InitializerSpec {
  const trimmed = text.trim();
  let raw: unknown;
  if (trimmed.startsWith('{')) {
    try {
      raw = JSON.parse(trimmed);
    } catch (error) {
      throw new InitScopeError('invalid_input', `--init: invalid JSON (${(error as Error).message})`);
    }
  } else {
    raw = { name: trimmed };
  }
  return parseOrThrow(InitializerSpec, raw, '--init initializer');
}

/** The CLI's view of a preview layer. */
export function toInspectLayer(l: PreviewLayer): InspectLayer {
  return {
    layer: l.layer,
    type: l.type,
    activation: l.activation,
    activationStd: l.activationStd,
    theoryStd: l.theoryStd,
    gradientStd: l.gradientStd,
    gradientNorm: l.gradientNorm,
    weightStd: l.weightStd,
    theoryWeightStd: l.theoryWeightStd,
  };
}

const fmt = (v: number | null): string => (v === null ? '—' : v.toPrecision(4));

/**
 * `initscope inspect <experiment.json> [--init NAME|JSON] [--json] [--db PATH]`: the init preview of
 * the experiment's untrained network, computed in an engine worker (one forward and backward pass of
 * a probe batch). Built-in datasets need no database; imported ones are resolved through the store. With `--json`, a JSON array with one object per layer ({@link InspectLayer});
 * otherwise a table. Resolves to the exit code (0).
 */
export async function inspectCommand(options: InspectOptions): Promise<number> {
  const experiment = readExperimentFile(options.file);
  const initializer = options.init === undefined ? undefined : parseInitOption(options.init);
  const request = { experiment, ...(initializer ? { initializers: [initializer] } : {}) };
  // A built-in dataset needs no database: one engine worker computes the preview. An imported one is
  // resolved to its stored file by the host services (which open the database).
  let results: PreviewResult[];
  if (isStoredDatasetRef(experiment.dataset)) {
    const services = await createHostServices({ ...resolveStorage(options.db), shell: 'cli', workers: 1, recoverInterrupted: false });
    try {
      results = await services.handlers['engine/preview'](request);
    } finally {
      await services.close();
    }
  } else {
    const pool = new EnginePool({ launcher: forkWorkerLauncher(), size: 1 });
    try {
      results = await pool.preview(request);
    } finally {
      await pool.close();
    }
  }
  {
    const result = results[0];
    const layers = (result?.layers ?? []).map(toInspectLayer);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(layers)}\n`);
      return 0;
    }
    process.stdout.write(`Init preview of ${options.file} (loss on the probe batch: ${fmt(result?.loss ?? null)})\n`);
    process.stdout.write(
      `${'layer'.padEnd(20)}${'activation'.padEnd(12)}${'act std'.padStart(11)}${'theory'.padStart(11)}${'grad std'.padStart(11)}${'grad norm'.padStart(11)}\n`,
    );
    for (const l of layers) {
      process.stdout.write(
        `${layerDisplayName(l.layer).padEnd(20)}${(l.activation ?? '').padEnd(12)}${fmt(l.activationStd).padStart(11)}${fmt(l.theoryStd).padStart(11)}${fmt(l.gradientStd).padStart(11)}${fmt(l.gradientNorm).padStart(11)}\n`,
      );
    }
    return 0;
  }
}
