import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layering rule (eslint.config.js) is an allow-list: each case plants one import into a file that
// does not exist, at a path inside the real tree (ESLint's lintText with a filePath: nothing is copied
// or written), and expects the boundaries rule to reject it; the controls show that each layer's
// legitimate imports still pass, so a failure is the rule's doing and not a parse error.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const RULE = 'boundaries/dependencies';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** Lints `code` as if it were the file at `file` (relative to the repository root). */
async function lint(file: string, code: string) {
  const results = await eslint.lintText(code, { filePath: path.join(root, file) });
  expect(results).toHaveLength(1);
  return results[0]!.messages;
}

const script = (body: string) => `<script setup lang="ts">\n${body}\n</script>\n\n<template>\n  <p>{{ x }}</p>\n</template>\n`;

const violations: Array<[string, string, string]> = [
  ['contract → main/store', 'contract/planted.ts', "import { openDatabase } from '../main/store/database.js';\nexport const x = openDatabase;\n"],
  ['contract → vue', 'contract/planted.ts', "import { ref } from 'vue';\nexport const x = ref(1);\n"],
  ['contract → node:fs', 'contract/planted.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ['engine → main', 'engine/planted.ts', "import { EnginePool } from '../main/services/engine-pool.js';\nexport const x = EnginePool;\n"],
  ['engine → renderer', 'engine/planted.ts', "import { useRunsStore } from '../renderer/src/stores/runs.js';\nexport const x = useRunsStore;\n"],
  ['engine → electron', 'engine/planted.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ['engine → better-sqlite3', 'engine/planted.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n"],
  ['main → renderer', 'main/services/planted.ts', "import { useRunsStore } from '../../renderer/src/stores/runs.js';\nexport const x = useRunsStore;\n"],
  ['main → engine internals', 'main/services/planted.ts', "import { trainRun } from '../../engine/train.js';\nexport const x = trainRun;\n"],
  ['main (outside store) → better-sqlite3', 'main/services/planted.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n"],
  ['main (outside electron) → electron', 'main/services/planted.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ['preload → main/store', 'preload/planted.ts', "import { openDatabase } from '../main/store/database.js';\nexport const x = openDatabase;\n"],
  ['preload → node:fs', 'preload/planted.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ['renderer dynamic import of main', 'renderer/src/stores/planted.ts', "export const load = () => import('../../../main/services/engine-pool.js');\n"],
  [
    'renderer require of node:fs',
    'renderer/src/stores/planted.ts',
    "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const fs = require('node:fs');\n",
  ],
  ['renderer → node:fs', 'renderer/src/stores/planted.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ['renderer → tfjs', 'renderer/src/stores/planted.ts', "import * as tf from '@tensorflow/tfjs';\nexport const x = tf;\n"],
  [
    'renderer → engine',
    'renderer/src/stores/planted.ts',
    "import { inferNetworkShapes } from '../../../engine/index.js';\nexport const x = inferNetworkShapes;\n",
  ],
  [
    '.vue file → main',
    'renderer/src/components/Planted.vue',
    script("import { EnginePool } from '../../../main/services/engine-pool.js';\nconst x = EnginePool;"),
  ],
  ['.vue file → electron', 'renderer/src/components/Planted.vue', script("import { ipcRenderer } from 'electron';\nconst x = ipcRenderer;")],
];

const allowed: Array<[string, string, string]> = [
  ['contract → zod', 'contract/planted.ts', "import { z } from 'zod';\nimport { RunEvent } from './run.js';\nexport const x = [z, RunEvent];\n"],
  [
    'engine → contract, tfjs, node:fs',
    'engine/planted.ts',
    "import type * as tf from '@tensorflow/tfjs';\nimport { readFileSync } from 'node:fs';\nimport { RunEvent } from '../contract/index.js';\nimport { trainRun } from './train.js';\nexport type T = typeof tf;\nexport const x = [readFileSync, RunEvent, trainRun];\n",
  ],
  [
    'main → engine entry, store, sqlite in store',
    'main/store/planted.ts',
    "import Database from 'better-sqlite3';\nimport { Random } from '../../engine/index.js';\nimport { RunEvent } from '../../contract/index.js';\nexport const x = [Database, Random, RunEvent];\n",
  ],
  [
    'main/electron → electron',
    'main/electron/planted.ts',
    "import { app } from 'electron';\nimport { createHost } from '../services/create-host.js';\nexport const x = [app, createHost];\n",
  ],
  [
    'preload → electron, contract',
    'preload/planted.ts',
    "import { contextBridge } from 'electron';\nimport { BRIDGE_KEY } from '../contract/wire.js';\nexport const x = [contextBridge, BRIDGE_KEY];\n",
  ],
  [
    '.vue → vue, vue-i18n, contract, stores',
    'renderer/src/components/Planted.vue',
    script(
      "import { ref } from 'vue';\nimport { useI18n } from 'vue-i18n';\nimport { RunEvent } from '../../../contract/index.js';\nimport { useRunsStore } from '../stores/runs.js';\nconst x = [ref, useI18n, RunEvent, useRunsStore];",
    ),
  ],
];

describe('layering allow-list (eslint-plugin-boundaries)', () => {
  it.each(violations)('rejects %s', async (_name, file, code) => {
    const messages = await lint(file, code);
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    expect(messages.map((m) => m.ruleId)).toContain(RULE);
  });

  it.each(allowed)('accepts %s', async (_name, file, code) => {
    const messages = await lint(file, code);
    expect(messages).toEqual([]);
  });
});
