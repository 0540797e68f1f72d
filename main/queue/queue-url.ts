import { readFileSync } from 'node:fs';
import { InitScopeError } from '../../contract/index.js';

/**
 * Where the Redis URL of `--queue` comes from: the URL itself (`redis://host:6379/0`,
 * `rediss://:password@host:6380/0`), `env:NAME` (an environment variable holds it) or `file:PATH` (the
 * first line of a file holds it), so a password need not appear in a command line or a shell history.
 * Errors name the variable or file, never the URL (it may hold a password).
 */
export function resolveQueueUrl(value: string, env: NodeJS.ProcessEnv = process.env): string {
  let url: string;
  if (value.startsWith('env:')) {
    const name = value.slice(4);
    url = env[name]?.trim() ?? '';
    if (!url) throw new InitScopeError('invalid_input', `--queue env:${name}: the environment variable ${name} is not set`);
  } else if (value.startsWith('file:')) {
    const file = value.slice(5);
    try {
      url = (readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '').trim();
    } catch (error) {
      throw new InitScopeError('invalid_input', `--queue file:${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!url) throw new InitScopeError('invalid_input', `--queue file:${file}: the file's first line is empty`);
  } else {
    url = value;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InitScopeError('invalid_input', `--queue: not a URL (expected redis://HOST:PORT/DB or rediss://…)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InitScopeError('invalid_input', `--queue: the URL must start with redis:// or rediss://, got ${parsed.protocol}//`);
  }
  return url;
}

/** The URL without user name or password, for logs, records and the app: `redis://lab1:6379/0`. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname && parsed.pathname !== '/' ? parsed.pathname : '/0'}`;
  } catch {
    return 'redis://(unreadable URL)';
  }
}
