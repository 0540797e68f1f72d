import { parseArgs } from 'node:util';
import { InitScopeError, SweepMetric } from '../../contract/index.js';
import { coordCheckCommand, COORD_CHECK_USAGE } from './coord-check-command.js';
import { signalPropCommand, SIGNAL_PROP_USAGE } from './signal-prop-command.js';
import { calibrateCommand, CALIBRATE_USAGE } from './calibrate-command.js';
import { datasetsCommand, DATASETS_USAGE } from './datasets-command.js';
import { EXIT } from './exit-codes.js';
import { exportCommand, EXPORT_USAGE } from './export-command.js';
import { inspectCommand } from './inspect-command.js';
import { labCommand, LAB_USAGE } from './lab-command.js';
import { rerunCommand } from './rerun-command.js';
import { runsCommand, RUNS_USAGE } from './runs-command.js';
import { serveCommand } from './serve-command.js';
import { sweepCommand } from './sweep-command.js';
import { sweepExportCommand, SWEEP_EXPORT_USAGE } from './sweep-export-command.js';
import { trainCommand } from './train-command.js';
import { workerCommand } from './worker-command.js';

const USAGE = `Usage: initscope <command> [options]

Commands:
  train <experiment.json> [--db PATH] [--json]   Train one run (exit 0 completed, 1 failed, 2 invalid input, 3 diverged)
${RUNS_USAGE}
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
${SWEEP_EXPORT_USAGE}
  sweep <sweep.json> --queue Q [--queue-name NAME]  Run a sweep through a job queue (Redis): this process stores it
  sweep resume <sweepId> --queue Q                 and its results, \`initscope worker\` processes anywhere train it
  worker --queue Q [--workers N] [--data-dir DIR] [--queue-name NAME] [--lock-seconds S]
                                                 Train runs from the queue on this machine until Ctrl-C
                                                 (--lock-seconds, default 30: how soon another worker takes
                                                 over the runs of a worker that died)
                                                 (Q: redis://HOST:6379/0, rediss://…, env:VAR or file:PATH;
                                                 see docs/scale-out.md)
  serve [--port N] [--db PATH]                   Serve the workbench in browser mode on 127.0.0.1
${DATASETS_USAGE}
${EXPORT_USAGE}
${LAB_USAGE}
${COORD_CHECK_USAGE}
${SIGNAL_PROP_USAGE}
${CALIBRATE_USAGE}
  help                                           Show this help

--db PATH   SQLite database file (default: the app's data folder; INITSCOPE_DATA_DIR overrides)
--json      Machine-readable output: one JSON event per line (train) or a JSON value (runs ls and the other commands)`;

/** Parses argv (without `node script`) and runs the command; resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  // `datasets` has options of its own (parsed by the subcommand).
  if (argv[0] === 'datasets') return datasetsCommand(argv.slice(1));
  if (argv[0] === 'export') return exportCommand(argv.slice(1));
  if (argv[0] === 'runs') return runsCommand(argv.slice(1));
  if (argv[0] === 'coord-check') return coordCheckCommand(argv.slice(1));
  if (argv[0] === 'signal-prop') return signalPropCommand(argv.slice(1));
  if (argv[0] === 'sweep' && argv[1] === 'export') return sweepExportCommand(argv.slice(2));
  if (argv[0] === 'lab') return labCommand(argv.slice(1));
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
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : EXIT.invalidInput;
  }
  switch (command) {
    case 'train': {
      const file = rest[0];
      if (!file) throw new InitScopeError('invalid_input', 'train needs an experiment file: initscope train <experiment.json>');
      return trainCommand({ file, db: values.db, json: values.json });
    }
    case 'inspect': {
      const file = rest[0];
      if (!file) throw new InitScopeError('invalid_input', 'inspect needs an experiment file: initscope inspect <experiment.json>');
      return inspectCommand({ file, db: values.db, json: values.json, ...(values.init !== undefined ? { init: values.init } : {}) });
    }
    case 'rerun': {
      const runId = rest[0];
      if (!runId) throw new InitScopeError('invalid_input', 'rerun needs a run id: initscope rerun <runId> (see initscope runs list)');
      return rerunCommand({ runId, db: values.db, json: values.json });
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
        return sweepCommand({ resumeId: rest[1], ...common });
      }
      if (!rest[0]) throw new InitScopeError('invalid_input', 'sweep needs a sweep file: initscope sweep <sweep.json>');
      return sweepCommand({ file: rest[0], ...common });
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
      return workerCommand({ queue: values.queue, queueName: values['queue-name'], workers, dataDir: values['data-dir'], lockSeconds: lock });
    }
    case 'calibrate':
      return calibrateCommand({ db: values.db, json: values.json, force: values.force });
    case 'serve': {
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
        throw new InitScopeError('invalid_input', `--port must be an integer from 0 to 65535, got ${values.port}`);
      }
      return serveCommand({ db: values.db, port });
    }
    default:
      throw new InitScopeError('invalid_input', `Unknown command: ${command}\n\n${USAGE}`);
  }
}

/** Entry point: runs the CLI and exits with its code; invalid input exits 2 with the message on stderr. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  // A closed pipe (`initscope train x.json --json | head`) stops the command like Ctrl-C would.
  let pipeClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' || pipeClosed) return;
    pipeClosed = true;
    process.kill(process.pid, 'SIGINT');
  });
  try {
    process.exitCode = await runCli(argv);
  } catch (error) {
    const invalid = (error instanceof InitScopeError && error.code === 'invalid_input') || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`initscope: ${(error as Error).message}\n`);
    process.exitCode = invalid ? EXIT.invalidInput : EXIT.failure;
  }
}
