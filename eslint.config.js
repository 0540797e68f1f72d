// Lint keeps imports on the right side of each process boundary (see shared DESIGN.md): an allow-list
// per layer, enforced by eslint-plugin-boundaries over .ts and .vue files, static and dynamic imports,
// re-exports and require(). Anything a layer may import is listed here; everything else is an error.
// test/unit/lint/layering.test.ts plants one violation per rule and checks that each one fails.
import { fileURLToPath } from 'node:url';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

const resolver = fileURLToPath(new URL('./scripts/lint/ts-resolver.cjs', import.meta.url));

/** An npm package (any of its subpaths), by name. */
const pkg = (...names) => names.map((source) => ({ module: { origin: 'external', source } }));
/** Node built-ins, by name without the `node:` prefix (either spelling is accepted); '**' for any. */
const core = (...names) => names.flatMap((name) => [name, `node:${name}`]).map((source) => ({ module: { origin: 'core', source } }));
/** Our own layers, by element type. */
const layer = (...types) => types.map((type) => ({ element: { type } }));
/**
 * The engine's public entry for the host: engine/index.ts. (The worker entry, engine/worker.ts, is a
 * process the host starts by path, never an import.)
 */
const ENGINE_ENTRY = { element: { type: 'engine', fileInternalPath: 'index.ts' } };

/** Node built-ins the engine's worker needs (files of datasets, the wasm binary, its worker threads). */
const ENGINE_CORE = ['fs', 'path', 'url', 'module', 'crypto', 'worker_threads', 'zlib'];
/** TensorFlow.js, loaded only by the engine (native backends are optional peers). */
const TFJS = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
/** Packages the host uses apart from SQLite and Electron. */
const HOST_PACKAGES = ['zod', 'ws', 'pngjs', 'jpeg-js', 'fflate'];
/** Packages the renderer (a browser page) uses. */
const RENDERER_PACKAGES = ['zod', 'vue', 'pinia', 'vue-i18n', 'vue-echarts', 'echarts'];

/** Allow-list per layer: what files of each layer may import from outside their own folder. */
const policies = [
  { from: layer('contract'), allow: { to: pkg('zod') } },
  { from: layer('engine'), allow: { to: [...layer('contract'), ...pkg('zod', ...TFJS), ...core(...ENGINE_CORE)] } },
  // mnist's digit files are read with createRequire from the built-in dataset (engine/datasets/mnist.ts).
  { from: layer('engine'), allow: { to: pkg('mnist') } },
  // ml-matrix: the lab's SVD of Jacobians and Gauss–Hermite nodes (engine/lab), plain JavaScript.
  { from: layer('engine'), allow: { to: pkg('ml-matrix') } },
  {
    from: layer('main', 'main-store', 'main-electron', 'main-queue'),
    allow: { to: [...layer('contract', 'main', 'main-store', 'main-queue'), ENGINE_ENTRY, ...core('**'), ...pkg(...HOST_PACKAGES)] },
  },
  { from: layer('main-store'), allow: { to: pkg('better-sqlite3') } },
  // The job queue of distributed sweeps (Redis): only main/queue talks to it.
  { from: layer('main-queue'), allow: { to: pkg('bullmq', 'ioredis') } },
  { from: layer('main-electron'), allow: { to: [...layer('main-electron'), ...pkg('electron')] } },
  { from: layer('preload'), allow: { to: [...layer('contract'), ...pkg('electron')] } },
  { from: layer('renderer'), allow: { to: [...layer('contract'), ...pkg(...RENDERER_PACKAGES)] } },
];

export default tseslint.config(
  // .scratch/ holds local, uncommitted experiments (git-excluded).
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.scratch/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Single-file components: the template is parsed by vue-eslint-parser, <script lang="ts"> by typescript-eslint.
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, sourceType: 'module', ecmaVersion: 'latest', extraFileExtensions: ['.vue'] },
    },
  },
  {
    files: ['scripts/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['contract/**/*.ts', 'engine/**/*.ts', 'main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.{ts,vue}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { [resolver]: {} },
      // Build configs run in Node under Vite, not in the layer whose folder holds them.
      'boundaries/ignore': ['**/vite.config.ts'],
      'boundaries/elements': [
        { type: 'contract', pattern: 'contract', partialMatch: false },
        { type: 'engine', pattern: 'engine', partialMatch: false },
        { type: 'main-electron', pattern: 'main/electron', partialMatch: false },
        { type: 'main-store', pattern: 'main/store', partialMatch: false },
        { type: 'main-queue', pattern: 'main/queue', partialMatch: false },
        { type: 'main', pattern: 'main', partialMatch: false },
        { type: 'preload', pattern: 'preload', partialMatch: false },
        { type: 'renderer', pattern: 'renderer/src', partialMatch: false },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkAllOrigins: true,
          checkUnknownLocals: true,
          message: 'Layering: {{from.type}} may not import this ({{dependency.source}}); see the allow-list in eslint.config.js',
          policies,
        },
      ],
    },
  },
);
