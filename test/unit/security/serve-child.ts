import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UPLOAD_PATH } from '../../../contract/index.js';

const root = path.resolve(import.meta.dirname, '../../..');

/** What an API call answered: the HTTP status and the wire result. */
export interface Answer {
  status: number;
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string; details?: unknown };
}

/** A real `initscope serve` child process (run from the TypeScript sources), driven over HTTP with its token. */
export interface ServeChild {
  pid: number;
  port: number;
  token: string;
  /** POST /api/<method> with the token. */
  call(method: string, body: unknown): Promise<Answer>;
  /** POST /api/upload?name=…[&source=…] with the token. */
  upload(name: string, bytes: Buffer, source?: string): Promise<Answer>;
  /** The host's peak resident memory so far (VmHWM), in bytes. */
  peakBytes(): number;
  /** True while the process runs. */
  alive(): boolean;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `initscope serve --port 0 --db <dataDir>/initscope.db` and waits for its URL (token included). */
export async function startServe(dataDir: string, env: Record<string, string> = {}): Promise<ServeChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))",
      'serve',
      '--port',
      '0',
      '--db',
      path.join(dataDir, 'initscope.db'),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INITSCOPE_BACKEND: 'wasm', ...env } },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w.~-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') as string;
  const port = Number(parsed.port);
  const headers = { Authorization: `Bearer ${token}` };
  const answer = async (res: Response): Promise<Answer> => ({ status: res.status, ...((await res.json()) as Omit<Answer, 'status'>) });
  return {
    pid: child.pid as number,
    port,
    token,
    call: async (method, body) =>
      answer(
        await fetch(`http://127.0.0.1:${port}/api/${method}`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    upload: async (name, bytes, source) =>
      answer(
        await fetch(`http://127.0.0.1:${port}${UPLOAD_PATH}?${new URLSearchParams({ name, ...(source ? { source } : {}) })}`, {
          method: 'POST',
          headers,
          body: new Uint8Array(bytes),
        }),
      ),
    peakBytes: () => {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return Number(match?.[1]) * 1024;
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGINT');
      }),
  };
}
