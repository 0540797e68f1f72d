import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../../main/package-root.js';

/**
 * `npm start` (node bin/start.js, the built dist/main/start.js) with stand-in Electron executables:
 * whatever makes the desktop app fail before its window shows, the user gets one line saying why and
 * browser mode. Needs `npm run build:node` (npm test builds first).
 */
const root = findPackageRoot();
let tmp = '';

beforeAll(() => {
  if (!existsSync(path.join(root, 'dist', 'main', 'start.js'))) throw new Error('dist/main/start.js is missing: run `npm run build:node` first');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'initscope-start-'));
  writeFileSync(path.join(tmp, 'driver.node'), ''); // stands in for the Electron-ABI driver
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes an executable stand-in for Electron: a Node script (run through a shell line, so it works as a file to spawn). */
function standIn(name: string, body: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, `#!${process.execPath}\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

interface Started {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs `node bin/start.js` with `env`; once browser mode is serving (or the process ends), stops it. */
function npmStart(env: Record<string, string>): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'start.js')], {
      cwd: root,
      env: { ...process.env, INITSCOPE_PORT: '0', INITSCOPE_DB: path.join(tmp, `db-${Math.random()}.db`), INITSCOPE_NO_DOWNLOAD: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (/running in browser mode: open http:\/\/127\.0\.0\.1:\d+\/\S*token=/.test(stdout)) child.kill('SIGTERM');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start did not settle; stdout:\n${stdout}`));
    }, 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

const fallbackLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('Electron is not available ('));

describe('npm start with a stand-in Electron', () => {
  it('an Electron that exits with the NODE_MODULE_VERSION error falls back to browser mode, saying so in one line', async () => {
    const electron = standIn(
      'electron-abi',
      `process.stderr.write("Error: The module '/x/better_sqlite3.node'\\nwas compiled against a different Node.js version using\\nNODE_MODULE_VERSION 115. This version of Node.js requires\\nNODE_MODULE_VERSION 140. Please try re-compiling.\\n"); process.exit(1);`,
    );
    const run = await npmStart({ INITSCOPE_ELECTRON: electron, INITSCOPE_ELECTRON_SQLITE: path.join(tmp, 'driver.node') });
    const lines = fallbackLines(run.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('NODE_MODULE_VERSION 115, Electron needs 140');
    expect(run.stdout).toMatch(/running in browser mode: open http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('an Electron that exits non-zero (or even 0) before signalling ready falls back the same way', async () => {
    for (const [name, body, expected] of [
      [
        'electron-crash',
        'process.stderr.write("libnss3.so: cannot open shared object file\\n"); process.exit(127);',
        /exited with code 127 before its window showed: libnss3\.so/,
      ],
      ['electron-silent', 'process.exit(0);', /exited with code 0 before its window showed\)/],
    ] as const) {
      const run = await npmStart({ INITSCOPE_ELECTRON: standIn(name, body), INITSCOPE_ELECTRON_SQLITE: path.join(tmp, 'driver.node') });
      const lines = fallbackLines(run.stdout);
      expect(lines, name).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
      expect(run.stdout).toContain('running in browser mode');
    }
  });

  it('passes the driver to Electron, and once the window has shown, passes its exit code on (no browser mode)', async () => {
    const electron = standIn(
      'electron-ok',
      `process.stdout.write("hello from the app\\nINITSCOPE_READY\\n"); console.error(process.env.INITSCOPE_SQLITE_BINDING, process.env.INITSCOPE_READY_SIGNAL, process.argv.at(-1)); setTimeout(() => process.exit(3), 50);`,
    );
    const run = await npmStart({ INITSCOPE_ELECTRON: electron, INITSCOPE_ELECTRON_SQLITE: path.join(tmp, 'driver.node') });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('hello from the app');
    expect(run.stdout).not.toContain('INITSCOPE_READY');
    expect(run.stdout).not.toContain('browser mode');
    expect(run.stderr).toContain(`${path.join(tmp, 'driver.node')} 1 ${root}`); // driver, ready-signal request, app folder
  });

  it('without an Electron-ABI driver it says why in one line and starts browser mode', async () => {
    const electron = standIn('electron-unused', 'process.exit(9);');
    const run = await npmStart({ INITSCOPE_ELECTRON: electron, INITSCOPE_ELECTRON_SQLITE: path.join(tmp, 'missing.node') });
    const lines = fallbackLines(run.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('INITSCOPE_ELECTRON_SQLITE names a missing file');
    expect(run.stdout).toContain('running in browser mode');
  });

  it('here, with no Electron binary at all, still prints the one-line fallback and serves browser mode', async () => {
    const run = await npmStart({ INITSCOPE_ELECTRON: '', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    const lines = fallbackLines(run.stdout);
    expect(lines).toHaveLength(1);
    expect(run.stdout).toContain('running in browser mode');
  });
});
