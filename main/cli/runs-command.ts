import { parseArgs } from 'node:util';
import { InitScopeError, type MethodName, type RequestOf, type ResponseOf, type RunSummary } from '../../contract/index.js';
import { createHostServices } from '../services/create-host.js';
import { dispatch } from '../services/dispatch.js';
import type { HostServices } from '../services/host-services.js';
import { EXIT } from './exit-codes.js';
import { formatSignalPropRecords } from './signal-prop-command.js';
import { resolveStorage } from './train-command.js';

export const RUNS_USAGE = `  runs ls [--filter TEXT] [--limit N] [--db PATH] [--json]
                                                 List stored runs, newest first (also: runs list). --filter:
                                                 field=value terms and free text, e.g. "activation=tanh tag=baseline
                                                 spiral" (fields: activation initializer optimizer dataset
                                                 architecture loss seed status tag)
  runs rename <runId> <name> [--db PATH] [--json]
  runs rename <runId> --auto                     Name a run, or give it back its automatic name
  runs tag <runId> [TAG...] [--remove TAG]... [--db PATH] [--json]
                                                 Add tags to a run (and remove others)
  runs note <runId> <text> [--db PATH] [--json]  Replace a run's notes ('' clears them)
  runs rm <runId>... --yes [--db PATH] [--json]  Delete ended runs with their metrics, statistics and files
                                                 (without --yes: only say what would be deleted)
  runs signal-prop <runId> [--max-points N] [--db PATH] [--json]
                                                 Signal propagation of a run's residual blocks at each recorded
                                                 step (step 0: at init)`;

/** A run as one line of the table: id, status, epochs, val acc, created, name and tags. */
export function formatRunLine(r: RunSummary): string {
  const acc = r.metrics.valAcc === null ? '—' : r.metrics.valAcc.toFixed(3);
  const tags = r.tags?.length ? `  [${r.tags.join(', ')}]` : '';
  return `${r.id}  ${r.status.padEnd(11)}  epochs ${String(r.epochsDone).padStart(5)}  valAcc ${acc}  ${r.createdAt}  ${r.name}${tags}`;
}

/** Calls a method through the contract (request parsed with its schema, so a bad field is named). */
async function call<M extends MethodName>(services: HostServices, method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
  const result = await dispatch(services.handlers, method, request);
  if (!result.ok) throw InitScopeError.fromWire(result.error);
  return result.value as ResponseOf<M>;
}

function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

/**
 * `initscope runs ls|list|rename|tag|note|rm|signal-prop`: lists (filtered) and edits stored runs in the database,
 * safely beside other processes using it (every write is one short transaction, retried while busy).
 * Resolves to the exit code (2: invalid input, e.g. an unknown run or filter field).
 */
export async function runsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      filter: { type: 'string' },
      limit: { type: 'string' },
      remove: { type: 'string', multiple: true },
      auto: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      'max-points': { type: 'string' },
    },
  });
  const [sub, ...args] = positionals;
  const known = ['ls', 'list', 'rename', 'tag', 'note', 'rm', 'signal-prop'];
  if (!sub || !known.includes(sub)) throw new InitScopeError('invalid_input', `Unknown runs subcommand: ${sub ?? '(none)'} (try: ${known.join(', ')})`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
    throw new InitScopeError('invalid_input', `--limit must be a positive integer, got ${values.limit}`);
  const needId = (what: string) => {
    if (!args[0]) throw new InitScopeError('invalid_input', `runs ${sub} needs a run id: initscope runs ${what} (see initscope runs ls)`);
    return args[0];
  };
  const services = await createHostServices({ ...resolveStorage(values.db), shell: 'cli', workers: 1, recoverInterrupted: false });
  try {
    switch (sub) {
      case 'ls':
      case 'list': {
        const runs = await call(services, 'runs/list', { ...(values.filter ? { filter: values.filter } : {}), ...(limit ? { limit } : {}) });
        print(
          values.json,
          runs,
          runs.length === 0 ? (values.filter ? 'No run matches the filter.' : 'No runs stored yet.') : runs.map(formatRunLine).join('\n'),
        );
        return 0;
      }
      case 'rename': {
        const runId = needId('rename <runId> <name>');
        if (!values.auto && args[1] === undefined) throw new InitScopeError('invalid_input', 'runs rename needs a name (or --auto for the automatic one)');
        const run = await call(services, 'runs/rename', { runId, name: values.auto ? null : args.slice(1).join(' ') });
        print(values.json, run, `${run.id}  ${run.name}`);
        return 0;
      }
      case 'tag': {
        const runId = needId('tag <runId> <tag>...');
        const run = await call(services, 'runs/tag', { runId, add: args.slice(1), remove: values.remove ?? [] });
        print(values.json, run, `${run.id}  ${run.tags?.join(', ') || '(no tags)'}`);
        return 0;
      }
      case 'note': {
        const runId = needId('note <runId> <text>');
        if (args[1] === undefined) throw new InitScopeError('invalid_input', "runs note needs the text ('' clears the notes)");
        const run = await call(services, 'runs/setNotes', { runId, notes: args.slice(1).join(' ') });
        print(values.json, run, `${run.id}  notes: ${run.notes || '(none)'}`);
        return 0;
      }
      case 'signal-prop': {
        const runId = needId('signal-prop <runId>');
        const maxPoints = values['max-points'] === undefined ? undefined : Number(values['max-points']);
        if (maxPoints !== undefined && !(Number.isInteger(maxPoints) && maxPoints >= 2))
          throw new InitScopeError('invalid_input', `--max-points must be an integer >= 2, got ${values['max-points']}`);
        const records = await call(services, 'runs/signalProp', { runId, ...(maxPoints !== undefined ? { maxPoints } : {}) });
        print(values.json, records, formatSignalPropRecords(runId, records).trimEnd());
        return 0;
      }
      default:
        return await removeRuns(services, args, values.yes, values.json);
    }
  } finally {
    await services.close();
  }
}

/** `runs rm`: checks every id first (all exist and have ended), then deletes them one by one. */
async function removeRuns(services: HostServices, ids: string[], yes: boolean, json: boolean): Promise<number> {
  if (ids.length === 0) throw new InitScopeError('invalid_input', 'runs rm needs run ids: initscope runs rm <runId>... --yes');
  const runs = await Promise.all(ids.map((runId) => call(services, 'runs/get', { runId })));
  const active = runs.filter((r) => r.status === 'queued' || r.status === 'running');
  if (active.length) {
    throw new InitScopeError(
      'invalid_input',
      `Cannot delete ${active.map((r) => `${r.id} (${r.status})`).join(', ')}: stop them first (a running run is still writing)`,
    );
  }
  if (!yes) {
    process.stderr.write(`Would delete ${runs.length} run(s); add --yes to delete them:\n${runs.map(formatRunLine).join('\n')}\n`);
    return EXIT.invalidInput;
  }
  const results = [];
  for (const r of runs) results.push({ runId: r.id, ...(await call(services, 'runs/delete', { runId: r.id })) });
  print(json, results, results.map((r) => `deleted ${r.runId} (${r.filesRemoved} file(s) removed)`).join('\n'));
  return 0;
}
