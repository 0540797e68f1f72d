#!/usr/bin/env node
// The `initscope` command: runs the compiled CLI (npm ci builds it; `npm run build` rebuilds it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('initscope: the app is not built yet; run `npm run build` first.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
