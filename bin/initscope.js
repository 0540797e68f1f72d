#!/usr/bin/env node
// The `initscope` command: runs the compiled CLI (npm ci builds it; `npm run build` rebuilds it).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('initscope: the app is not built yet; run `npm run build` first.\n');
  process.exit(1);
}
// `train` forks its engine worker first, so that the worker starts and initialises TensorFlow.js on
// another core while the CLI loads and opens the database (main/cli/early-worker.ts).
// `sweep <file>` forks its pool's workers first likewise (as many as will run at once), each preparing
// the sweep's built-in dataset while the CLI starts.
const early = ['train', 'sweep'].includes(process.argv[2]) ? await import(new URL('../dist/main/cli/early-worker.js', import.meta.url).href) : null;
const earlyWorker = process.argv[2] === 'train' ? early.forkEarlyWorker(process.argv[3]) : null;
const earlyWorkers = process.argv[2] === 'sweep' ? early.forkSweepWorkers(process.argv.slice(3)) : [];
// The CLI bundled into one module and its commands' chunks (scripts/bundle-entries.mjs) while it is
// up to date with dist/, else the compiled modules (main/fresh-bundle.ts).
const { bundledOr } = await import(new URL('../dist/main/fresh-bundle.js', import.meta.url).href);
const cli = bundledOr(fileURLToPath(entry), fileURLToPath(new URL('../dist/main/cli/bundle/main.js', import.meta.url)));
const { main } = await import(pathToFileURL(cli).href);
await main(process.argv.slice(2), { earlyWorker, earlyWorkers });
