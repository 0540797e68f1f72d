import { TERMINAL_EVENT_TYPES, type BoundaryEvent, type BoundarySnapshot, type RunEvent } from '../../contract/index.js';

/** Where pictures are stored (main/services/boundary-file.ts binds it to the data folder). */
export interface BoundaryFiles {
  write(snapshot: BoundarySnapshot): void;
  /** The stored picture, or null; throws (naming the file) when it cannot be read. */
  read(runId: string): BoundarySnapshot | null;
}

/** The pool's event sources the service listens to. */
export interface BoundarySources {
  onBoundary(listener: (event: BoundaryEvent) => void): () => void;
  onEvent(listener: (event: RunEvent) => void): () => void;
}

/**
 * Decision-boundary pictures of runs on 2-D datasets (contract/boundary.ts): keeps the latest picture
 * of each running run in memory and passes every picture on to the clients; stores a run's picture
 * when it is final (the trained model's) or, failing that, when the run ends (its last one), so a
 * reopened run shows it. A picture that cannot be stored is logged; the run itself is not affected.
 */
export class BoundaryService {
  private readonly latest = new Map<string, BoundarySnapshot>();
  private readonly listeners = new Set<(event: BoundaryEvent) => void>();
  private readonly unsubscribe: Array<() => void>;

  /** @param assertRun throws `not_found` for an unknown run id (RunService.get) */
  constructor(
    sources: BoundarySources,
    private readonly files: BoundaryFiles,
    private readonly assertRun: (runId: string) => unknown,
  ) {
    this.unsubscribe = [sources.onBoundary((event) => this.onPicture(event)), sources.onEvent((event) => this.onRunEvent(event))];
  }

  /** Subscribes to pictures of running runs; returns the unsubscribe function. */
  onEvent(listener: (event: BoundaryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A run's latest picture while it runs, else its stored one; null when it has none. Throws
   * `not_found` for an unknown run, `internal` naming the file for a stored picture that cannot be read.
   */
  get(runId: string): BoundarySnapshot | null {
    this.assertRun(runId);
    return this.latest.get(runId) ?? this.files.read(runId);
  }

  /** Stops listening; pictures of runs still running are stored as they are. */
  close(): void {
    for (const off of this.unsubscribe) off();
    for (const runId of [...this.latest.keys()]) this.store(runId);
  }

  private onPicture(event: BoundaryEvent): void {
    const points = event.points ?? this.latest.get(event.runId)?.points;
    // Without the run's points (its first picture was lost) there is nothing to draw the field over.
    if (!points) return;
    const snapshot: BoundarySnapshot = { runId: event.runId, grid: event.grid, points, final: event.final === true };
    this.latest.set(event.runId, snapshot);
    if (snapshot.final) this.store(event.runId);
    for (const listener of this.listeners) listener(event);
  }

  private onRunEvent(event: RunEvent): void {
    if (!TERMINAL_EVENT_TYPES.has(event.type) || !this.latest.has(event.runId)) return;
    this.store(event.runId);
    this.latest.delete(event.runId);
  }

  /** Writes the run's latest picture (once per picture: a final one is not written again at the run's end). */
  private store(runId: string): void {
    const snapshot = this.latest.get(runId);
    if (!snapshot || this.written.has(snapshot)) return;
    try {
      this.files.write(snapshot);
      this.written.add(snapshot);
    } catch (error) {
      console.error(`InitScope: could not store the decision-boundary picture of ${runId}:`, error);
    }
  }

  /** Pictures already on disk. */
  private readonly written = new WeakSet<BoundarySnapshot>();
}
