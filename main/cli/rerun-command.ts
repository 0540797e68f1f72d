import { InitScopeError, TERMINAL_EVENT_TYPES, type ReproductionReport, type RunEvent } from '../../contract/index.js';
import { createHostServices } from '../services/create-host.js';
import { EXIT } from './exit-codes.js';
import { formatProgressLine } from './progress-line.js';
import { resolveStorage } from './train-command.js';

export interface RerunOptions {
  runId: string;
  db?: string;
  json: boolean;
}

/** Exit code of `initscope rerun` when the reproduction's numbers differ from the original's. */
export const EXIT_DIFFERS = 4;

/** A stored number as printed: full precision (`String`), or '—' for null. */
const show = (v: number | null): string => (v === null ? '—' : String(v));

/** The human-readable verdict of a reproduction (one or two lines). */
export function formatReproduction(report: ReproductionReport): string {
  const lines: string[] = [];
  if (report.verdict === 'identical') {
    lines.push(`identical: ${report.reproductionRunId} reproduces ${report.originalRunId} bit for bit (${report.pointsCompared} epochs, every stored metric)`);
  } else if (report.verdict === 'pending') {
    lines.push(`pending: ${report.reproductionRunId} has not ended`);
  } else {
    const d = report.firstDifference;
    const where = d
      ? `${d.epoch > 0 ? `epoch ${d.epoch}` : 'final'} ${d.metric}: ${show(d.original)} (original) vs ${show(d.reproduction)} (rerun)`
      : 'unknown';
    lines.push(`differs: ${report.reproductionRunId} vs ${report.originalRunId} — first difference at ${where}`);
  }
  if (report.provenanceDiffers.length > 0) lines.push(`provenance differs (the likely reason): ${report.provenanceDiffers.join(', ')}`);
  if (report.provenanceDiffers.includes('split.parts')) {
    lines.push('step layout differs: one run computed its batches whole, the other in two parts (float32 sums differ; see provenance split)');
  }
  return lines.join('\n');
}

/**
 * `initscope rerun <runId>`: reruns a completed or diverged run from its record (runs/reproduce) in a
 * worker process, then compares every stored metric with the original's (runs/reproduction) and prints
 * the verdict (`--json`: the ReproductionReport). Exit 0 identical, 4 differs, 1 when the rerun failed
 * or was cancelled (Ctrl-C), 2 for an unknown run or one that cannot be reproduced.
 */
export async function rerunCommand(options: RerunOptions): Promise<number> {
  const services = await createHostServices({ ...resolveStorage(options.db), shell: 'cli', workers: 1 });
  let rerunId = '';
  const ended = new Promise<RunEvent>((resolve) => {
    services.onEvent((event) => {
      if (event.runId !== rerunId) return;
      if (event.type === 'progress' && !options.json) {
        process.stderr.write(
          `${formatProgressLine({ epoch: event.point.epoch, totalEpochs: event.totalEpochs, trainLoss: event.point.trainLoss, trainAcc: event.point.trainAcc, valLoss: event.point.valLoss, valAcc: event.point.valAcc, etaSeconds: event.etaSeconds })}\n`,
        );
      }
      if (TERMINAL_EVENT_TYPES.has(event.type)) resolve(event);
    });
  });
  const onInterrupt = () => void services.handlers['runs/cancel']({ runId: rerunId });
  process.on('SIGINT', onInterrupt);
  try {
    rerunId = await services.handlers['runs/reproduce']({ runId: options.runId }).then(
      (run) => run.id,
      (error: unknown) => {
        // An unknown run id is the user's input, like a missing experiment file: exit 2.
        if (error instanceof InitScopeError && error.code === 'not_found') throw new InitScopeError('invalid_input', error.message);
        throw error;
      },
    );
    if (!options.json) process.stderr.write(`Rerun ${rerunId} of ${options.runId}\n`);
    const last = await ended;
    if (last.type === 'failed' || last.type === 'cancelled') {
      process.stderr.write(`initscope: the rerun ${rerunId} ${last.type}${last.type === 'failed' ? `: ${last.error}` : ''}\n`);
      return last.type === 'cancelled' ? EXIT.cancelled : EXIT.failure;
    }
    const report = await services.handlers['runs/reproduction']({ runId: rerunId });
    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatReproduction(report)}\n`);
    return report.verdict === 'identical' ? EXIT.completed : EXIT_DIFFERS;
  } finally {
    process.off('SIGINT', onInterrupt);
    await services.close();
  }
}
