import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type Database from 'better-sqlite3';
import { retryBusy, writeTransaction } from './busy.js';

/** A process that owns runs and sweeps (a row of the `owners` table, migration 0005). */
export interface OwnerRow {
  id: string;
  pid: number;
  hostname: string;
  kind: string;
  startedAt: string;
  leaseExpiresAt: string;
}

/** Who is asking whether an owner is gone: this process's host, pid and clock. */
export interface LivenessProbe {
  hostname: string;
  pid: number;
  /** Now, in ms since the epoch. */
  nowMs: number;
  /** When this process started, in ms since the epoch. */
  processStartedMs: number;
  /** True when a process with this pid exists on this host. */
  pidAlive(pid: number): boolean;
}

/** The probe of the running process: `os.hostname()`, `process.pid`, `Date.now()`, `process.kill(pid, 0)`. */
export function currentProcessProbe(): LivenessProbe {
  const nowMs = Date.now();
  return { hostname: os.hostname(), pid: process.pid, nowMs, processStartedMs: nowMs - process.uptime() * 1000, pidAlive };
}

/** True when a process with this pid exists (`kill(pid, 0)`: ESRCH means none; EPERM means another user's). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `owner` can no longer run anything: its lease has passed, or it was on this host and its
 * pid is dead, or it has this process's pid but registered before this process started (a recycled
 * pid, e.g. in a container where every start is pid 1). An owner registered by this very process is
 * never gone while the process runs. A live owner on another host is trusted until its lease ends.
 */
export function ownerIsGone(owner: OwnerRow, probe: LivenessProbe): boolean {
  const registeredMs = Date.parse(owner.startedAt);
  const here = owner.hostname === probe.hostname;
  if (here && owner.pid === probe.pid) return !(registeredMs >= probe.processStartedMs - 1000);
  if (!(Date.parse(owner.leaseExpiresAt) > probe.nowMs)) return true;
  return here && !probe.pidAlive(owner.pid);
}

/** The process kinds recorded in `owners.kind`. */
export type OwnerKind = 'app' | 'serve' | 'cli';

/**
 * The `owners` table: each process that runs work registers a row with a lease, renews it while it
 * lives (a heartbeat) and deletes it on a clean exit. A crashed process's row stays until a starting
 * process finds it gone (see {@link ownerIsGone} and recovery.ts).
 */
export class OwnerStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO owners (id, pid, hostname, kind, started_at, lease_expires_at)
         VALUES (@id, @pid, @hostname, @kind, @startedAt, @leaseExpiresAt)`,
      ),
      renew: db.prepare('UPDATE owners SET lease_expires_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM owners WHERE id = ?'),
      releaseRuns: db.prepare(`UPDATE runs SET owner_id = NULL WHERE owner_id = ? AND status NOT IN ('queued', 'running')`),
      releaseSweeps: db.prepare(`UPDATE sweeps SET owner_id = NULL WHERE owner_id = ? AND status <> 'running'`),
      get: db.prepare<[string], OwnerRow>(`SELECT ${OWNER_COLUMNS} FROM owners WHERE id = ?`),
      all: db.prepare<[], OwnerRow>(`SELECT ${OWNER_COLUMNS} FROM owners ORDER BY started_at`),
    };
  }

  /**
   * Registers this process as an owner whose lease runs `leaseMs` from `now`; returns the new owner id
   * (random, so a recycled pid is never mistaken for an old owner).
   */
  register(kind: OwnerKind, leaseMs: number, now = new Date(), pid = process.pid, hostname = os.hostname()): OwnerRow {
    const row: OwnerRow = {
      id: `owner_${now.getTime().toString(36)}_${randomBytes(6).toString('hex')}`,
      pid,
      hostname,
      kind,
      startedAt: now.toISOString(),
      leaseExpiresAt: new Date(now.getTime() + leaseMs).toISOString(),
    };
    retryBusy(this.db, () => this.statements.insert.run(row));
    return row;
  }

  /**
   * Extends the owner's lease to `now + leaseMs`. If its row is gone (another process judged it dead:
   * the lease had run out), the row is written again and false is returned, so the caller can warn.
   */
  renew(owner: OwnerRow, leaseMs: number, now = new Date()): boolean {
    const leaseExpiresAt = new Date(now.getTime() + leaseMs).toISOString();
    return writeTransaction(this.db, () => {
      if (this.statements.renew.run(leaseExpiresAt, owner.id).changes > 0) return true;
      this.statements.insert.run({ ...owner, leaseExpiresAt });
      return false;
    })();
  }

  /**
   * A clean exit: deletes the owner's row and clears `owner_id` on its ended runs and sweeps. Runs it
   * still had queued or running keep the id, so the next process to start sees them as orphaned.
   */
  remove(ownerId: string): void {
    writeTransaction(this.db, () => {
      this.statements.releaseRuns.run(ownerId);
      this.statements.releaseSweeps.run(ownerId);
      this.statements.remove.run(ownerId);
    })();
  }

  /** The database file. */
  get path(): string {
    return this.db.name;
  }

  /** The owner with this id, or undefined. */
  get(ownerId: string): OwnerRow | undefined {
    return this.statements.get.get(ownerId);
  }

  /** Every registered owner, oldest first. */
  list(): OwnerRow[] {
    return this.statements.all.all();
  }

  /** True when `ownerId` names a registered owner that is not gone (see {@link ownerIsGone}). */
  isLive(ownerId: string | null, probe: LivenessProbe = currentProcessProbe()): boolean {
    return this.describeLive(ownerId, probe) !== null;
  }

  /** `<kind> process <pid> on host <hostname>` for a live owner; null for an unknown or gone one. */
  describeLive(ownerId: string | null, probe: LivenessProbe = currentProcessProbe()): string | null {
    const owner = ownerId === null ? undefined : this.get(ownerId);
    if (!owner || ownerIsGone(owner, probe)) return null;
    return `${owner.kind} process ${owner.pid} on host ${owner.hostname}`;
  }
}

const OWNER_COLUMNS = 'id, pid, hostname, kind, started_at AS startedAt, lease_expires_at AS leaseExpiresAt';
