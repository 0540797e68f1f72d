import os from 'node:os';
import { SweepSpec, type RunEvent, type SweepMetric, type SweepEvent, type SweepProgress, type SweepSummary } from '../../contract/index.js';
import { createHostServices } from '../services/create-host.js';
import { forkWorkerLauncher } from '../services/worker-launcher.js';
import { earlyFirstLauncher, type EarlyWorker } from './early-worker.js';
import { redactRedisUrl, resolveQueueUrl } from '../queue/queue-url.js';
import { EXIT } from './exit-codes.js';
import { formatDuration } from './progress-line.js';
import { readSpecFile } from './read-experiment.js';
import { resolveStorage } from './train-command.js';

export interface SweepCommandOptions {
  /** The sweep file (`initscope sweep <file>`), or … */
  file?: string;
  /** … the sweep to continue (`initscope sweep resume <id>`). */
  resumeId?: string;
  db?: string | undefined;
  /** Engine worker processes (default: one per core). */
  workers?: number | undefined;
  /** The final metric the printed table ranks by (default valAcc; e.g. testAcc: the datasets' test parts). */
  metric?: SweepMetric;
  json: boolean;
  /** `--queue`: run through a job queue as its coordinator (a Redis URL, `env:NAME` or `file:PATH`). */
  queue?: string | undefined;
  queueName?: string | undefined;
  /**
   * Engine workers forked before the CLI loaded (bin/initscope.js, early-worker.ts forkSweepWorkers): the
   * pool takes them first, then forks fresh ones. Ignored with `--queue`.
   */
  earlyWorkers?: EarlyWorker[];
}

/**
 * Reads and validates a sweep file (a SweepSpec). Errors are `invalid_input` and name the file, and
 * either the JSON syntax error's line and column or every bad field (e.g. `axes.activation.1.name`).
 */
export function readSweepFile(file: string): SweepSpec {
  return readSpecFile(file, SweepSpec, 'sweep');
}

/** `[##########--------------]  12/45  failed 0  diverged 1  ETA 3:20` */
export function formatSweepProgressLine(progress: SweepProgress, barWidth = 24): string {
  const fraction = progress.total > 0 ? progress.done / progress.total : 0;
  const filled = Math.round(Math.min(1, fraction) * barWidth);
  const width = String(progress.total).length;
  return [
    `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`,
    `${String(progress.done).padStart(width)}/${progress.total}`,
    `failed ${progress.failures}`,
    `diverged ${progress.counts.diverged}`,
    `ETA ${formatDuration(progress.etaSeconds)}`,
  ].join('  ');
}

/** The ranked table as text: rank, cell, mean ± std of the metric over seeds, n, diverged, epochs to target, p vs best. */
export function formatSummaryTable(summary: SweepSummary): string {
  const fmt = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));
  const header = ['rank', 'cell', `${summary.metric} mean ± std`, 'n', 'diverged', `epochs→${summary.targetAccuracy}`, 'p vs best'];
  const rows = summary.ranked.map((cell) => [
    cell.rank === null ? '—' : String(cell.rank),
    summary.axes.map((a) => cell.labels[a.name]).join(' · ') || '(base)',
    `${fmt(cell.mean, 4)} ± ${fmt(cell.std, 4)}`,
    String(cell.n),
    String(cell.diverged),
    cell.reachedTarget > 0 ? `${fmt(cell.meanEpochsToTarget, 1)} (${cell.reachedTarget}/${cell.runIds.length})` : '—',
    cell.welchVsBest ? cell.welchVsBest.pValue.toPrecision(2) : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * `initscope sweep <sweep.json> [--workers N] [--json]` and `initscope sweep resume <sweepId>`: runs a
 * sweep in worker processes (one per core by default), storing every run like the app does. With
 * `--json`, prints `sweepStarted`, every run event, then `sweepFinished` with the summary, one JSON
 * object per line; otherwise a progress bar on stderr and the ranked table on stdout. Ctrl-C cancels
 * the sweep (`initscope sweep resume <id>` continues it). Exit code: 0 when every run completed or
 * diverged, 1 if any failed, 130 when cancelled.
 */
export async function sweepCommand(options: SweepCommandOptions): Promise<number> {
  const spec = options.file === undefined ? null : readSweepFile(options.file);
  const workers = options.workers ?? os.availableParallelism();
  const queue = options.queue === undefined ? undefined : { url: resolveQueueUrl(options.queue), ...(options.queueName ? { name: options.queueName } : {}) };
  // The early workers (started meanwhile, generating the sweep's dataset) train the first runs; should
  // one die, the pool forks fresh ones. Those the pool never takes are killed when the command ends.
  const launcher = earlyFirstLauncher(options.earlyWorkers ?? [], forkWorkerLauncher());
  const services = await createHostServices({
    ...resolveStorage(options.db),
    shell: 'cli',
    workers,
    ...(queue ? { queue } : { launcher }),
  });
  const where = queue ? `the queue ${redactRedisUrl(queue.url)}` : `${workers} worker${workers === 1 ? '' : 's'}`;
  const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  const tty = !options.json && process.stderr.isTTY;
  let sweepId = options.resumeId ?? '';
  let lastLine = 0;
  const finished = new Promise<Extract<SweepEvent, { type: 'sweepFinished' }>>((resolve) => {
    services.onSweepEvent?.((event) => {
      if (event.type === 'sweepStarted' && !sweepId) sweepId = event.sweepId;
      if (event.sweepId !== sweepId) return;
      if (options.json) {
        if (event.type !== 'sweepProgress') out(event);
      } else if (event.type === 'sweepStarted') {
        process.stderr.write(`Sweep ${event.sweepId}${event.resumed ? ' (resumed)' : ''}: ${event.plan.description} on ${where}\n`);
      } else if (event.type === 'sweepProgress') {
        const line = formatSweepProgressLine(event.progress);
        const step = Math.max(1, Math.round(event.progress.total / 10));
        if (tty) process.stderr.write(`\r${line}`);
        else if (event.progress.done - lastLine >= step || event.progress.done === event.progress.total) {
          lastLine = event.progress.done;
          process.stderr.write(`${line}\n`);
        }
      }
      if (event.type === 'sweepFinished') resolve(event);
    });
  });
  if (options.json) services.onEvent((event: RunEvent) => out(event));
  const onInterrupt = () => {
    if (sweepId) void services.handlers['sweeps/cancel']({ sweepId }).catch(() => undefined);
  };
  process.on('SIGINT', onInterrupt);
  try {
    const info = spec ? await services.handlers['sweeps/start']({ sweep: spec }) : await services.handlers['sweeps/resume']({ sweepId });
    sweepId = info.id;
    const end = await finished;
    if (!options.json) {
      if (tty) process.stderr.write('\n');
      process.stdout.write(
        `Sweep ${end.sweepId} ${end.status}: ${end.summary.progress.counts.completed} completed, ${end.summary.progress.counts.diverged} diverged, ${end.summary.progress.failures} failed\n`,
      );
      const summary =
        options.metric && options.metric !== end.summary.metric
          ? await services.handlers['sweeps/summary']({ sweepId: end.sweepId, metric: options.metric })
          : end.summary;
      process.stdout.write(`${formatSummaryTable(summary)}\n`);
    }
    if (end.status === 'cancelled') return EXIT.cancelled;
    return end.summary.progress.failures > 0 ? EXIT.failure : EXIT.completed;
  } finally {
    process.off('SIGINT', onInterrupt);
    await services.close();
  }
}
