import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import os from 'node:os';

/** What a lock file holds: who took it, and a token that tells this taking from any other. */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
  /** ISO time it was taken. */
  at: string;
}

/** A held lock file; `release` deletes it (only if it is still this holder's). */
export interface FileLock {
  readonly path: string;
  release(): void;
}

export interface FileLockOptions {
  /**
   * A lock whose file was not touched for this long (ms) is stale and may be taken over, whoever holds
   * it (a holder on another machine, or a reused pid). The holder touches it every staleMs / 4.
   * Default 60 s.
   */
  staleMs?: number;
  /** Clock (ms since the epoch), for tests. */
  now?: () => number;
}

const DEFAULT_STALE_MS = 60_000;

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string') return parsed as LockOwner;
  } catch {
    // unreadable, half-written or garbage: judged by its age alone
  }
  return null;
}

/** Whether process `pid` exists on this machine (EPERM: it exists, owned by another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the lock at `path` (whose content was read as `owner`) can be taken over: its holder is a
 * process of this machine that no longer exists, or the file was not touched for `staleMs`.
 */
function isStale(path: string, owner: LockOwner | null, staleMs: number, now: number): boolean {
  if (owner && owner.host === os.hostname() && owner.pid !== process.pid && !alive(owner.pid)) return true;
  try {
    return now - statSync(path).mtimeMs > staleMs;
  } catch {
    return false; // gone meanwhile: the next attempt creates it
  }
}

/**
 * Takes the lock file `path` now if it is free, or held by a process that is gone (killed: its pid no
 * longer exists on this machine) or stale (untouched for `staleMs`); else returns null at once.
 * The file is created with O_EXCL, so of several processes (or calls) trying at once exactly one wins.
 * A stale lock is taken over by renaming it aside and checking that the file moved is the one judged
 * stale (else it is put back), so two processes taking over one stale lock cannot both win.
 * While held, the file's time is touched every staleMs / 4 (a timer that does not keep the process
 * alive); a process killed while holding it leaves a file the next caller takes over.
 * @throws Error naming the file when it cannot be created for another reason than existing (e.g. EACCES)
 */
export function tryLockFile(path: string, options: FileLockOptions = {}): FileLock | null {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const now = options.now ?? Date.now;
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex'), at: new Date(now()).toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${path}: cannot create the lock file (${(error as Error).message})`);
      const held = readOwner(path);
      if (!isStale(path, held, staleMs, now())) return null;
      const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
      try {
        renameSync(path, aside);
      } catch {
        continue; // another process moved or released it first
      }
      const moved = readOwner(aside);
      if (held && moved?.token !== held.token) {
        // A fresh lock was created between our read and the rename: give it back (unless yet another exists).
        try {
          linkSync(aside, path);
        } catch {
          // someone holds the lock now: fine, it is not ours either way
        }
        rmSync(aside, { force: true });
        return null;
      }
      rmSync(aside, { force: true });
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(owner));
    } finally {
      closeSync(fd);
    }
    const touch = setInterval(
      () => {
        try {
          const t = new Date(now());
          utimesSync(path, t, t);
        } catch {
          // removed by a taker-over after a long stall: release() will find it is not ours
        }
      },
      Math.max(10, staleMs / 4),
    );
    touch.unref();
    let released = false;
    return {
      path,
      release: () => {
        if (released) return;
        released = true;
        clearInterval(touch);
        if (readOwner(path)?.token === owner.token) rmSync(path, { force: true });
      },
    };
  }
  return null;
}

/**
 * {@link tryLockFile}, trying again every `pollMs` until it is taken or `waitMs` have passed.
 * @returns the lock, or null when another live process still holds it after `waitMs`
 */
export async function lockFile(path: string, waitMs: number, options: FileLockOptions & { pollMs?: number } = {}): Promise<FileLock | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = tryLockFile(path, options);
    if (lock || Date.now() >= deadline) return lock;
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? 200, Math.max(1, deadline - Date.now()))));
  }
}
