import { spawn } from 'node:child_process';

/** The line Electron's main process prints on stdout once its first window is shown (when asked to). */
export const READY_SIGNAL = 'INITSCOPE_READY';

/** How a launched desktop app ended. */
export type LaunchOutcome =
  /** It showed its window and later exited with `code`: pass the code on. */
  | { kind: 'exited'; code: number }
  /** It ended before showing a window (an ABI mismatch, a missing library, a crash): fall back. */
  | { kind: 'failed'; reason: string };

/**
 * Starts the Electron executable on `appDir` with `env` added and INITSCOPE_READY_SIGNAL=1, passes its
 * output through (minus the ready line) and resolves once it exits. Before the ready line, any exit —
 * even code 0 — counts as a failure to start, with a reason taken from what it printed
 * (`NODE_MODULE_VERSION` mismatches are named as such); after it, the exit code is passed on.
 */
export function launchElectron(executable: string, appDir: string, env: Record<string, string>): Promise<LaunchOutcome> {
  return new Promise((resolve) => {
    let ready = false;
    let stderrTail = '';
    let stdoutBuffer = '';
    const child = spawn(executable, [appDir], { stdio: ['inherit', 'pipe', 'pipe'], env: { ...process.env, ...env, INITSCOPE_READY_SIGNAL: '1' } });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdoutBuffer += chunk;
      const lines = stdoutBuffer.split('\n');
      stdoutBuffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === READY_SIGNAL) ready = true;
        else process.stdout.write(`${line}\n`);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (ready) process.stderr.write(chunk);
      else stderrTail = (stderrTail + chunk).slice(-4000);
    });
    const onSignal = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const finish = (outcome: LaunchOutcome) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (stdoutBuffer && stdoutBuffer.trim() !== READY_SIGNAL) process.stdout.write(stdoutBuffer);
      resolve(outcome);
    };
    child.on('error', (error) => finish({ kind: 'failed', reason: `it could not be started: ${error.message}` }));
    child.on('exit', (code, signal) => {
      if (stdoutBuffer.trim() === READY_SIGNAL) ready = true;
      if (ready) return finish({ kind: 'exited', code: code ?? 1 });
      finish({ kind: 'failed', reason: failureReason(code, signal, stderrTail) });
    });
  });
}

/** One line saying why the desktop app ended before its window showed. */
export function failureReason(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(stderr);
  if (abi) return `the desktop app exited before its window showed: a native module was built for NODE_MODULE_VERSION ${abi[1]}, Electron needs ${abi[2]}`;
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const last = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1);
  return `the desktop app ${how} before its window showed${last ? `: ${last.length > 160 ? `${last.slice(0, 157)}...` : last}` : ''}`;
}
