#!/usr/bin/env node
// `npm start`: the desktop app where Electron's binary exists, else browser mode (see main/start.ts).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/start.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('InitScope is not built yet; run `npm run build` first.\n');
  process.exit(1);
}
const { start } = await import(entry.href);
await start();
