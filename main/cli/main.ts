import { parseArgs } from 'node:util';
import { InitScopeError, SweepMetric } from '../../contract/index.js';
import type { EarlyWorker } from './early-worker.js';
import { EXIT } from './exit-codes.js';

// Each command's module is imported when that command runs: `train` then loads neither the queue client
// (bullmq, ioredis) nor the HTTP server, which were a third of its start-up.

/** The usage text (imports the commands that describe their own options). */
async function usage(): Promise<string> {
  const [
    { RUNS_USAGE },
    { SWEEP_EXPORT_USAGE },
    { DATASETS_USAGE },
    { EXPORT_USAGE },
    { LAB_USAGE },
    { COORD_CHECK_USAGE },
    { SIGNAL_PROP_USAGE },
    { CALIBRATE_USAGE },
  ] = await Promise.all([
    import('./runs-command.js'),
    import('./sweep-export-command.js'),
    import('./datasets-command.js'),
    import('./export-command.js'),
    import('./lab-command.js'),
    import('./coord-check-command.js'),
    import('./signal-prop-command.js'),
    import('./calibrate-command.js'),
  ]);
  return usageText({ RUNS_USAGE, SWEEP_EXPORT_USAGE, DATASETS_USAGE, EXPORT_USAGE, LAB_USAGE, COORD_CHECK_USAGE, SIGNAL_PROP_USAGE, CALIBRATE_USAGE });
}

/** The usage text around the commands' own usage lines. */
const usageText = (
  u: Record<
    'RUNS_USAGE' | 'SWEEP_EXPORT_USAGE' | 'DATASETS_USAGE' | 'EXPORT_USAGE' | 'LAB_USAGE' | 'COORD_CHECK_USAGE' | 'SIGNAL_PROP_USAGE' | 'CALIBRATE_USAGE',
    string
  >,
): string => `Usage: initscope <command> [options]

Commands:
  train <experiment.json> [--db PATH] [--json] [--parametrization standard|mup] [--base-width N] [--output-init gaussian|zero]
                                                 Train one run (exit 0 completed, 1 failed, 2 invalid input, 3 diverged);
                                                 --parametrization mup trains it under μP (base width default 64)
${u.RUNS_USAGE}
  rerun <runId> [--db PATH] [--json]             Rerun a completed or diverged run from its record and compare every
                                                 stored metric (exit 0 identical, 4 differs: prints the first epoch and
                                                 metric that differs, and which provenance fields differ)
  inspect <experiment.json> [--init NAME|JSON] [--json]
                                                 Init preview: per-layer activation and gradient std of the
                                                 untrained network next to theory (--init: one initializer everywhere)
  sweep <sweep.json> [--workers N] [--metric M] [--json]
                                                 Run a sweep (exit 0 all completed or diverged, 1 a run failed, 130 cancelled);
                                                 the table ranks by --metric (${SweepMetric.options.join('|')}; default valAcc)
  sweep resume <sweepId> [--workers N] [--metric M] [--json]
                                                 Continue an interrupted or cancelled sweep
${u.SWEEP_EXPORT_USAGE}
  sweep <sweep.json> --queue Q [--queue-name NAME]  Run a sweep through a job queue (Redis): this process stores it
  sweep resume <sweepId> --queue Q                 and its results, \`initscope worker\` processes anywhere train it
  worker --queue Q [--workers N] [--data-dir DIR] [--queue-name NAME] [--lock-seconds S]
                                                 Train runs from the queue on this machine until Ctrl-C
                                                 (--lock-seconds, default 30: how soon another worker takes
                                                 over the runs of a worker that died)
                                                 (Q: redis://HOST:6379/0, rediss://…, env:VAR or file:PATH;
                                                 see docs/scale-out.md)
  serve [--port N] [--db PATH]                   Serve the workbench in browser mode on 127.0.0.1
${u.DATASETS_USAGE}
${u.EXPORT_USAGE}
${u.LAB_USAGE}
${u.COORD_CHECK_USAGE}
${u.SIGNAL_PROP_USAGE}
${u.CALIBRATE_USAGE}
  help                                           Show this help

--db PATH   SQLite database file (default: the app's data folder; INITSCOPE_DATA_DIR overrides)
--json      Machine-readable output: one JSON event per line (train) or a JSON value (runs ls and the other commands)`;

/** What bin/initscope.js started before loading the CLI. */
export interface CliStart {
  /** The engine worker forked at start for `train` (main/cli/early-worker.ts); discarded if unused. */
  earlyWorker?: EarlyWorker | null;
  /** The engine workers forked at start for `sweep <file>` (early-worker.ts forkSweepWorkers); those unused are discarded. */
  earlyWorkers?: EarlyWorker[];
}

/** Parses argv (without `node script`) and runs the command; resolves to the exit code. */
export async function runCli(argv: string[], start: CliStart = {}): Promise<number> {
  // `datasets` has options of its own (parsed by the subcommand).
  if (argv[0] === 'datasets') return (await import('./datasets-command.js')).datasetsCommand(argv.slice(1));
  if (argv[0] === 'export') return (await import('./export-command.js')).exportCommand(argv.slice(1));
  if (argv[0] === 'runs') return (await import('./runs-command.js')).runsCommand(argv.slice(1));
  if (argv[0] === 'coord-check') return (await import('./coord-check-command.js')).coordCheckCommand(argv.slice(1));
  if (argv[0] === 'signal-prop') return (await import('./signal-prop-command.js')).signalPropCommand(argv.slice(1));
  if (argv[0] === 'sweep' && argv[1] === 'export') return (await import('./sweep-export-command.js')).sweepExportCommand(argv.slice(2));
  if (argv[0] === 'lab') return (await import('./lab-command.js')).labCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      port: { type: 'string' },
      init: { type: 'string' },
      workers: { type: 'string' },
      metric: { type: 'string' },
      queue: { type: 'string' },
      'queue-name': { type: 'string' },
      'data-dir': { type: 'string' },
      'lock-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      force: { type: 'boolean', default: false },
      parametrization: { type: 'string' },
      'base-width': { type: 'string' },
      'output-init': { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return command || values.help ? 0 : EXIT.invalidInput;
  }
  switch (command) {
    case 'train': {
      const file = rest[0];
      if (!file) throw new InitScopeError('invalid_input', 'train needs an experiment file: initscope train <experiment.json>');
      return (await import('./train-command.js')).trainCommand({
        file,
        db: values.db,
        json: values.json,
        parametrization: { parametrization: values.parametrization, 'base-width': values['base-width'], 'output-init': values['output-init'] },
        earlyWorker: start.earlyWorker ?? null,
      });
    }
    case 'inspect': {
      const file = rest[0];
      if (!file) throw new InitScopeError('invalid_input', 'inspect needs an experiment file: initscope inspect <experiment.json>');
      return (await import('./inspect-command.js')).inspectCommand({
        file,
        db: values.db,
        json: values.json,
        ...(values.init !== undefined ? { init: values.init } : {}),
      });
    }
    case 'rerun': {
      const runId = rest[0];
      if (!runId) throw new InitScopeError('invalid_input', 'rerun needs a run id: initscope rerun <runId> (see initscope runs list)');
      return (await import('./rerun-command.js')).rerunCommand({ runId, db: values.db, json: values.json });
    }
    case 'sweep': {
      const workers = values.workers === undefined ? undefined : Number(values.workers);
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
        throw new InitScopeError('invalid_input', `--workers must be an integer from 1 to 256, got ${values.workers}`);
      }
      const metric = values.metric === undefined ? undefined : SweepMetric.safeParse(values.metric).data;
      if (values.metric !== undefined && !metric) {
        throw new InitScopeError('invalid_input', `--metric must be one of ${SweepMetric.options.join(', ')}, got ${values.metric}`);
      }
      const queue = values.queue === undefined ? {} : { queue: values.queue, queueName: values['queue-name'] };
      const common = { db: values.db, workers, json: values.json, ...(metric ? { metric } : {}), ...queue };
      if (rest[0] === 'resume') {
        if (!rest[1]) throw new InitScopeError('invalid_input', 'sweep resume needs a sweep id: initscope sweep resume <sweepId>');
        return (await import('./sweep-command.js')).sweepCommand({ resumeId: rest[1], ...common });
      }
      if (!rest[0]) throw new InitScopeError('invalid_input', 'sweep needs a sweep file: initscope sweep <sweep.json>');
      return (await import('./sweep-command.js')).sweepCommand({ file: rest[0], ...common, earlyWorkers: start.earlyWorkers ?? [] });
    }
    case 'worker': {
      const workers = values.workers === undefined ? undefined : Number(values.workers);
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
        throw new InitScopeError('invalid_input', `--workers must be an integer from 1 to 256, got ${values.workers}`);
      }
      if (!values.queue)
        throw new InitScopeError('invalid_input', 'worker needs a queue: initscope worker --queue redis://HOST:6379/0 (or env:VAR, file:PATH)');
      const lock = values['lock-seconds'] === undefined ? undefined : Number(values['lock-seconds']);
      if (lock !== undefined && !(Number.isInteger(lock) && lock >= 1 && lock <= 3600)) {
        throw new InitScopeError('invalid_input', `--lock-seconds must be an integer from 1 to 3600, got ${values['lock-seconds']}`);
      }
      return (await import('./worker-command.js')).workerCommand({
        queue: values.queue,
        queueName: values['queue-name'],
        workers,
        dataDir: values['data-dir'],
        lockSeconds: lock,
      });
    }
    case 'calibrate':
      return (await import('./calibrate-command.js')).calibrateCommand({ db: values.db, json: values.json, force: values.force });
    case 'serve': {
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
        throw new InitScopeError('invalid_input', `--port must be an integer from 0 to 65535, got ${values.port}`);
      }
      return (await import('./serve-command.js')).serveCommand({ db: values.db, port });
    }
    default:
      throw new InitScopeError('invalid_input', `Unknown command: ${command}\n\n${await usage()}`);
  }
}

/**
 * Entry point: runs the CLI and exits with its code; invalid input exits 2 with the message on stderr.
 * `start.earlyWorker` and `start.earlyWorkers`, when the command did not use them, are killed before this resolves.
 */
export async function main(argv = process.argv.slice(2), start: CliStart = {}): Promise<void> {
  // A closed pipe (`initscope train x.json --json | head`) stops the command like Ctrl-C would.
  let pipeClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' || pipeClosed) return;
    pipeClosed = true;
    process.kill(process.pid, 'SIGINT');
  });
  try {
    process.exitCode = await runCli(argv, start);
  } catch (error) {
    const invalid = (error instanceof InitScopeError && error.code === 'invalid_input') || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`initscope: ${(error as Error).message}\n`);
    process.exitCode = invalid ? EXIT.invalidInput : EXIT.failure;
  } finally {
    start.earlyWorker?.discard();
    for (const worker of start.earlyWorkers ?? []) worker.discard();
  }
}
