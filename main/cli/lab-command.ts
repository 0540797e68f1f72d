import { parseArgs } from 'node:util';
import {
  ActivationSpec,
  SweepMetric,
  type SweepAnalysis,
  InitScopeError,
  PhaseRequest,
  isStoredDatasetRef,
  parseOrThrow,
  type JacobianReport,
  type PhaseDiagram,
} from '../../contract/index.js';
import type { LabJob } from '../../engine/index.js';
import { createHostServices } from '../services/create-host.js';
import { EnginePool } from '../services/engine-pool.js';
import { forkWorkerLauncher } from '../services/worker-launcher.js';
import { readExperimentFile } from './read-experiment.js';
import { resolveStorage } from './train-command.js';

/** The usage lines of `initscope lab`, shown in the CLI's help. */
export const LAB_USAGE = `  lab phase [experiment.json] --activation NAME|JSON [--bias-variance V] [--json]
                                                 Order–chaos phase diagram (q*, χ₁, critical line, depth scales
                                                 ξ_q, ξ_c); with an experiment, its layers as points
  lab jacobian <experiment.json> [--probes N] [--json]
  lab jacobian --run <runId> [--probes N] [--db PATH] [--json]
                                                 Input–output Jacobian singular values per layer at init (and,
                                                 for a run with stored weights, trained)
  lab sweep <sweepId> [--metric M] [--db PATH] [--json]
                                                 Permutation importance of each sweep axis for the metric, and
                                                 every run's coordinates and value (parallel coordinates)`;

/** Parses `--activation`: a bare name or a JSON object. @throws invalid_input naming the option */
export function parseActivationOption(text: string): ActivationSpec {
  const trimmed = text.trim();
  let raw: unknown = { name: trimmed };
  if (trimmed.startsWith('{')) {
    try {
      raw = JSON.parse(trimmed);
    } catch (error) {
      throw new InitScopeError('invalid_input', `--activation: invalid JSON (${(error as Error).message})`);
    }
  }
  return parseOrThrow(ActivationSpec, raw, '--activation');
}

/** Runs one lab job in a one-worker engine pool (no database). */
async function inWorker(job: LabJob) {
  const pool = new EnginePool({ launcher: forkWorkerLauncher(), size: 1 });
  try {
    return await pool.lab(job);
  } finally {
    await pool.close();
  }
}

const fmt = (v: number | null): string => (v === null ? '∞/—' : v.toPrecision(4));

function printPhase(d: PhaseDiagram): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Phase diagram of ${d.activation.name}: σ_w² ${d.weightVariances[0]}…${d.weightVariances.at(-1)}, σ_b² ${d.biasVariances[0]}…${d.biasVariances.at(-1)}`);
  out('Critical line χ₁ = 1 (σ_b² → σ_w²):');
  for (const p of d.criticalLine) out(`  ${p.biasVariance.toFixed(4).padStart(8)}  ${p.weightVariance.toFixed(5)}`);
  const peak = d.depthCurve.points.reduce((best, p) => ((p.xiC ?? Infinity) > (best.xiC ?? -1) ? p : best));
  out(
    `Depth scale ξ_c at σ_b² = ${d.depthCurve.biasVariance}: largest sampled ${fmt(peak.xiC)} layers at σ_w² = ${peak.weightVariance.toFixed(3)} (trainable depth ≈ 6 ξ_c)`,
  );
  if (d.network.length) out(`Network (depth ${d.depth}):`);
  for (const p of d.network) {
    out(
      `  layers ${p.layers.join(',')}: σ_w² = ${p.weightVariance.toPrecision(4)}, σ_b² = ${p.biasVariance.toPrecision(4)}${p.sameActivation ? '' : ' (other activation)'}`,
    );
  }
}

function printJacobian(r: JacobianReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const stage of r.stages) {
    out(`${stage.stage}: singular values of ∂(layer output)/∂(input), ${r.probes} probe inputs of size ${r.inputDim}`);
    out(`${'layer'.padEnd(14)}${'depth'.padStart(6)}${'mean s²'.padStart(11)}${'var s²'.padStart(11)}${'min s'.padStart(11)}${'max s'.padStart(11)}`);
    for (const l of stage.layers) {
      out(
        `${l.layer.padEnd(14)}${String(l.depth).padStart(6)}${fmt(l.meanSq).padStart(11)}${fmt(l.varSq).padStart(11)}${fmt(l.min).padStart(11)}${fmt(l.max).padStart(11)}`,
      );
    }
    for (const s of stage.skipped) out(`  ${s.layer}: skipped (${s.rows} outputs)`);
  }
  if (r.trainedMissing) out(`No trained stage: ${r.trainedMissing}`);
}

/**
 * `initscope lab phase|jacobian …` (see {@link LAB_USAGE}): computes a lab instrument in an engine
 * worker and prints a summary, or with `--json` the whole result (contract PhaseDiagram or
 * JacobianReport) as one JSON document. Exit 0; 2 invalid input; 1 failure.
 * @param argv the arguments after `lab`
 */
export async function labCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      activation: { type: 'string' },
      'bias-variance': { type: 'string' },
      probes: { type: 'string' },
      metric: { type: 'string' },
      run: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [instrument, file] = positionals;
  if (instrument === 'phase') {
    if (values.activation === undefined) throw new InitScopeError('invalid_input', `lab phase needs --activation:\n${LAB_USAGE}`);
    const bias = values['bias-variance'] === undefined ? undefined : Number(values['bias-variance']);
    if (bias !== undefined && !(bias >= 0 && bias <= 100))
      throw new InitScopeError('invalid_input', `--bias-variance must be a number from 0 to 100, got ${values['bias-variance']}`);
    const network = file ? readExperimentFile(file).network : undefined;
    const raw = {
      activation: parseActivationOption(values.activation),
      ...(network ? { network } : {}),
      ...(bias !== undefined ? { curveBiasVariance: bias } : {}),
    };
    const request = parseOrThrow(PhaseRequest, raw, 'lab phase');
    const outcome = await inWorker({ kind: 'phase', request });
    if (outcome.kind !== 'phase') throw new Error('unexpected lab result');
    if (values.json) process.stdout.write(`${JSON.stringify(outcome.diagram)}\n`);
    else printPhase(outcome.diagram);
    return 0;
  }
  if (instrument === 'jacobian') {
    const probes = values.probes === undefined ? undefined : Number(values.probes);
    if (probes !== undefined && !(Number.isInteger(probes) && probes >= 1 && probes <= 16))
      throw new InitScopeError('invalid_input', `--probes must be an integer from 1 to 16, got ${values.probes}`);
    if ((file === undefined) === (values.run === undefined))
      throw new InitScopeError('invalid_input', `lab jacobian needs an experiment file or --run <runId> (one of them):\n${LAB_USAGE}`);
    let report: JacobianReport;
    const experiment = file ? readExperimentFile(file) : undefined;
    if (experiment && !isStoredDatasetRef(experiment.dataset)) {
      const outcome = await inWorker({ kind: 'jacobian', experiment, ...(probes !== undefined ? { probes } : {}) });
      if (outcome.kind !== 'jacobian') throw new Error('unexpected lab result');
      report = outcome.report;
    } else {
      const services = await createHostServices({ ...resolveStorage(values.db), shell: 'cli', workers: 1, recoverInterrupted: false });
      try {
        const target = experiment ? { experiment } : { runId: values.run! };
        report = await services.handlers['lab/jacobian']({ ...target, ...(probes !== undefined ? { probes } : {}) });
      } finally {
        await services.close();
      }
    }
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printJacobian(report);
    return 0;
  }
  if (instrument === 'sweep') {
    if (!file) throw new InitScopeError('invalid_input', `lab sweep needs a sweep id:\n${LAB_USAGE}`);
    const metric = values.metric === undefined ? undefined : SweepMetric.safeParse(values.metric).data;
    if (values.metric !== undefined && !metric)
      throw new InitScopeError('invalid_input', `--metric must be one of ${SweepMetric.options.join(', ')}, got ${values.metric}`);
    const services = await createHostServices({ ...resolveStorage(values.db), shell: 'cli', workers: 1, recoverInterrupted: false });
    let analysis: SweepAnalysis;
    try {
      analysis = await services.handlers['sweeps/analysis']({ sweepId: file, metric: metric ?? 'valAcc' });
    } finally {
      await services.close();
    }
    if (values.json) process.stdout.write(`${JSON.stringify(analysis)}\n`);
    else {
      process.stdout.write(
        `Permutation importance for ${analysis.metric} over ${analysis.n} runs with a value (Var ${fmt(analysis.variance)}, seed noise ${fmt(analysis.baselineError)}):\n`,
      );
      for (const a of analysis.importance) process.stdout.write(`  ${a.axis.padEnd(14)}${fmt(a.importance).padStart(11)}${fmt(a.relative).padStart(11)}\n`);
    }
    return 0;
  }
  throw new InitScopeError('invalid_input', `Unknown lab instrument: ${instrument ?? '(none)'}\n${LAB_USAGE}`);
}
