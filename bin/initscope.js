#!/usr/bin/env node
// The `initscope` command: runs the compiled CLI (npm ci builds it; `npm run build` rebuilds it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('initscope: the app is not built yet; run `npm run build` first.\n');
  process.exit(1);
}
// `train` forks its engine worker first, so that the worker starts and initialises TensorFlow.js on
// another core while the CLI loads and opens the database (main/cli/early-worker.ts).
// `sweep <file>` forks its pool's workers first likewise (as many as will run at once), each generating
// the sweep's built-in dataset while the CLI starts.
const early = ['train', 'sweep'].includes(process.argv[2]) ? await import(new URL('../dist/main/cli/early-worker.js', import.meta.url).href) : null;
const earlyWorker = process.argv[2] === 'train' ? early.forkEarlyWorker(process.argv[3]) : null;
const earlyWorkers = process.argv[2] === 'sweep' ? early.forkSweepWorkers(process.argv.slice(3)) : [];
const { main } = await import(entry.href);
await main(process.argv.slice(2), { earlyWorker, earlyWorkers });
