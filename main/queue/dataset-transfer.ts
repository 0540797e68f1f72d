import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { QueueKeys } from './queue-keys.js';

/** Chunk size of a dataset file in Redis (bytes): under Redis's 512 MB value limit, and gentle on memory. */
export const DATASET_CHUNK_BYTES = 4 * 1024 * 1024;
/** How long a dataset stays in Redis after it was last published (s). */
export const DATASET_TTL_S = 7 * 24 * 3600;

/** SHA-256 of a file's bytes (hex). */
export function sha256OfFile(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const publishedHashes = new Map<string, { mtimeMs: number; size: number; sha256: string }>();

/**
 * Makes a stored dataset file (`.isds`) available to workers by its content hash: its chunks under
 * `keys.dataset(sha256)` (written once per hash; a later publish only renews the TTL). The hash of a
 * file is cached by path, size and modification time. Returns the hash and size the job carries.
 */
export async function publishDataset(redis: Redis, keys: QueueKeys, file: string): Promise<{ sha256: string; bytes: number }> {
  const stat = statSync(file);
  const cached = publishedHashes.get(file);
  const sha256 = cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size ? cached.sha256 : sha256OfFile(file);
  publishedHashes.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, sha256 });
  const key = keys.dataset(sha256);
  if ((await redis.hget(key, 'bytes')) === String(stat.size)) {
    await redis.expire(key, DATASET_TTL_S);
    return { sha256, bytes: stat.size };
  }
  const bytes = readFileSync(file);
  const chunks = Math.max(1, Math.ceil(bytes.length / DATASET_CHUNK_BYTES));
  const multi = redis.multi().del(key);
  for (let i = 0; i < chunks; i++) multi.hset(key, String(i), bytes.subarray(i * DATASET_CHUNK_BYTES, (i + 1) * DATASET_CHUNK_BYTES));
  // `bytes` last: a reader that sees it sees every chunk (MULTI is atomic anyway).
  multi.hset(key, 'chunks', String(chunks), 'bytes', String(bytes.length)).expire(key, DATASET_TTL_S);
  await multi.exec();
  return { sha256, bytes: bytes.length };
}

/**
 * The local copy of a dataset file in a worker's cache folder (`<cacheDir>/<sha256>.isds`), fetched
 * from Redis the first time and checked: its SHA-256 must equal the one asked for, else nothing is
 * kept and the error says so. A cached copy is trusted by name once it has been verified and written
 * (atomically, by rename).
 */
export async function fetchDataset(redis: Redis, keys: QueueKeys, ref: { sha256: string; bytes: number }, cacheDir: string): Promise<string> {
  const file = path.join(cacheDir, `${ref.sha256}.isds`);
  if (existsSync(file) && statSync(file).size === ref.bytes) return file;
  const key = keys.dataset(ref.sha256);
  const chunks = Number(await redis.hget(key, 'chunks'));
  if (!Number.isInteger(chunks) || chunks < 1) {
    throw new Error(
      `Dataset ${ref.sha256.slice(0, 12)}… is not in the queue's Redis (expired or never published): resume the sweep on the coordinator to publish it again`,
    );
  }
  const parts: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    const part = await redis.hgetBuffer(key, String(i));
    if (!part) throw new Error(`Dataset ${ref.sha256.slice(0, 12)}…: chunk ${i} of ${chunks} is missing in Redis`);
    parts.push(part);
  }
  const bytes = Buffer.concat(parts);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== ref.sha256 || bytes.length !== ref.bytes) {
    throw new Error(
      `Dataset ${ref.sha256.slice(0, 12)}… fetched from Redis does not match its hash (got ${actual.slice(0, 12)}…, ${bytes.length} bytes): not used`,
    );
  }
  mkdirSync(cacheDir, { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  return file;
}
