import type { OwnerKind, OwnerRow, OwnerStore } from '../store/owner-store.js';

/** This process's row in the `owners` table, kept alive by a heartbeat until {@link ProcessOwner.release}. */
export interface ProcessOwner {
  readonly id: string;
  readonly row: OwnerRow;
  /** `<kind> process <pid> on host <hostname>` of a live owner, or null (unknown or gone). */
  describeLive(ownerId: string): string | null;
  /** Stops the heartbeat and deletes the row (a clean exit); safe to call twice. */
  release(): void;
}

/** Lease of an owner row: another process treats the owner as gone once it passes unrenewed. */
export const DEFAULT_OWNER_LEASE_MS = 60_000;

/**
 * Registers this process as an owner of runs (lease `leaseMs`, default 60 s) and renews the lease
 * every `leaseMs / 6` on an unref'd timer (it never keeps the process alive). A failed renewal is
 * logged, not thrown; a row that another process deleted (it judged the lease expired) is written again
 * with a warning. On the same host a crash is seen at once (dead pid); the lease covers other hosts and
 * recycled pids.
 */
export function registerProcessOwner(owners: OwnerStore, kind: OwnerKind, leaseMs = DEFAULT_OWNER_LEASE_MS): ProcessOwner {
  const row = owners.register(kind, leaseMs);
  let released = false;
  const timer = setInterval(
    () => {
      try {
        if (!owners.renew(row, leaseMs)) {
          console.warn(`InitScope: this process's lease on ${owners.path} had expired and was taken; registered again as ${row.id}`);
        }
      } catch (error) {
        console.error(`InitScope: could not renew this process's lease on ${owners.path} (will retry):`, (error as Error).message);
      }
    },
    Math.max(10, Math.floor(leaseMs / 6)),
  );
  timer.unref();
  return {
    id: row.id,
    row,
    describeLive: (ownerId) => owners.describeLive(ownerId),
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        owners.remove(row.id);
      } catch (error) {
        console.error(`InitScope: could not remove this process's owner row from ${owners.path}:`, (error as Error).message);
      }
    },
  };
}
