import { createHostServices } from '../services/create-host.js';
import { resolveStorage } from './train-command.js';

/** `initscope runs list [--db PATH] [--json]`: prints stored runs (JSON array, or a table). */
export async function runsListCommand(options: { db?: string; json: boolean }): Promise<number> {
  const services = await createHostServices({ ...resolveStorage(options.db), shell: 'cli', workers: 1, recoverInterrupted: false });
  try {
    const runs = await services.handlers['runs/list']({});
    if (options.json) {
      process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    } else if (runs.length === 0) {
      process.stdout.write('No runs stored yet.\n');
    } else {
      for (const r of runs) {
        const acc = r.metrics.valAcc === null ? '—' : r.metrics.valAcc.toFixed(3);
        process.stdout.write(`${r.id}  ${r.status.padEnd(11)}  epochs ${String(r.epochsDone).padStart(5)}  valAcc ${acc}  ${r.createdAt}  ${r.name}\n`);
      }
    }
    return 0;
  } finally {
    await services.close();
  }
}
