// Lint keeps imports on the right side of each process boundary (see shared DESIGN.md).
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'url', 'worker_threads', 'stream', 'zlib'];
const pattern = (group, message) => ({ group, message });

const noNode = pattern(nodeBuiltins, 'This code runs outside Node (renderer/contract): no Node built-ins.');
const noElectron = pattern(['electron', 'electron/*'], 'Only main/electron and preload may import Electron.');
const noSqlite = pattern(['better-sqlite3'], 'Only main/store may import SQLite.');
const noTfjs = pattern(['@tensorflow/*'], 'Only the engine may import TensorFlow.js.');
const noHost = pattern(['**/main/**', '**/engine/**', '**/preload/**'], 'The renderer reaches the host through the contract client only.');

export default tseslint.config(
  // .scratch/ holds local, uncommitted experiments (git-excluded).
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '**/*.vue', '.scratch/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['contract/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, noSqlite, noTfjs] }] },
  },
  {
    files: ['renderer/**/*.ts'],
    ignores: ['renderer/vite.config.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, noSqlite, noTfjs, noHost] }] },
  },
  {
    files: ['engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noSqlite] }] },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**', 'main/store/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noSqlite, noTfjs] }] },
  },
  {
    files: ['main/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noTfjs] }] },
  },
  {
    files: ['main/electron/**/*.ts', 'preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noSqlite, noTfjs] }] },
  },
);
