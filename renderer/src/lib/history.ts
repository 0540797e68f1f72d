/**
 * Undo/redo over snapshots of an editable state (JSON text, so snapshots never alias live objects).
 * Edits that arrive within `coalesceMs` of each other under the same `group` (typing digits into one
 * field) become one undo step.
 */
export class EditHistory {
  private past: string[] = [];
  private future: string[] = [];
  private lastGroup: string | null = null;
  private lastAt = -Infinity;

  constructor(
    private present: string,
    private readonly limit = 200,
    private readonly coalesceMs = 600,
  ) {}

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** The state undo/redo would return to last. */
  get current(): string {
    return this.present;
  }

  /**
   * Records that the state became `next`. `now` is in milliseconds; a `group` (e.g. the edited field's
   * path) lets consecutive edits of one field merge into one step.
   */
  record(next: string, group: string | null = null, now = Date.now()): void {
    if (next === this.present) return;
    const merge = group !== null && group === this.lastGroup && now - this.lastAt < this.coalesceMs && this.past.length > 0;
    if (!merge) {
      this.past.push(this.present);
      if (this.past.length > this.limit) this.past.shift();
    }
    this.present = next;
    this.future = [];
    this.lastGroup = group;
    this.lastAt = now;
  }

  /** Steps back; returns the state to show, or null when there is nothing to undo. */
  undo(): string | null {
    const previous = this.past.pop();
    if (previous === undefined) return null;
    this.future.push(this.present);
    this.present = previous;
    this.lastGroup = null;
    return previous;
  }

  /** Steps forward again; returns the state to show, or null when there is nothing to redo. */
  redo(): string | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(this.present);
    this.present = next;
    this.lastGroup = null;
    return next;
  }

  /** Forgets every step (a new document was loaded) and starts from `state`. */
  reset(state: string): void {
    this.past = [];
    this.future = [];
    this.present = state;
    this.lastGroup = null;
  }
}
