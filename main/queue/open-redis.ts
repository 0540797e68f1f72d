/**
 * Opening a Redis connection: kept apart from queue-url.ts so that commands which only parse or redact
 * a queue URL (a local `initscope sweep`) do not load ioredis (~0.1 CPU-s at start).
 */
import { Redis } from 'ioredis';
import { redactRedisUrl } from './queue-url.js';

/**
 * A Redis connection for BullMQ and InitScope's own keys (`maxRetriesPerRequest: null`, as BullMQ
 * requires: a command waits for a reconnection rather than failing). ioredis reads host, port, db,
 * user, password and TLS (`rediss:`) from the URL. Connection errors are reported once through `log`
 * with the redacted URL (ioredis's own messages never include the password either).
 */
export function openRedis(url: string, log: (message: string) => void = (m) => console.error(m)): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    log(`InitScope: Redis at ${redactRedisUrl(url)}: ${error.message}`);
  });
  redis.on('ready', () => (reported = false));
  return redis;
}
