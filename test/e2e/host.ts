import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A browser-mode host started from the built CLI, as a user would (`initscope serve`). */
export interface TestHost {
  url: string;
  /**
   * Sends SIGINT (like Ctrl-C) and waits for the process to exit; resolves to its exit code. What the host
   * printed is kept in test-results/hosts/ for reading after a failure.
   */
  stop(): Promise<number | null>;
  output(): string;
}

/** A fresh data folder for one test file. */
export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'initscope-e2e-'));
}

/** Starts `node bin/initscope.js serve --port 0 --db <dir>/initscope.db` and waits for its URL. */
export async function startHost(dataDir: string): Promise<TestHost> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['bin/initscope.js', 'serve', '--port', '0', '--db', path.join(dataDir, 'initscope.db')],
    // INITSCOPE_E2E_ROOT: run a host built elsewhere (e.g. a copy of this checkout) against these tests.
    // No background split calibration: each test's fresh data folder would measure one beside its runs.
    {
      cwd: process.env.INITSCOPE_E2E_ROOT ?? path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, INITSCOPE_AUTO_CALIBRATE: process.env.INITSCOPE_AUTO_CALIBRATE ?? '0' },
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`host exited with ${code}:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        const keep = (code: number | null) => {
          const dir = path.resolve(import.meta.dirname, '../../test-results/hosts');
          mkdirSync(dir, { recursive: true });
          writeFileSync(path.join(dir, `${path.basename(dataDir)}.log`), `${output}\n(exit code ${code})\n`);
          resolve(code);
        };
        if (child.exitCode !== null) return keep(child.exitCode);
        child.once('exit', keep);
        child.kill('SIGINT');
      }),
  };
}
