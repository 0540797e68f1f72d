import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InitScopeError, type DatasetImportEvent, type DatasetImportPhase, type DatasetImportUnit, type ImportCancelledDetails } from '../../contract/index.js';

/**
 * Longest stretch, in milliseconds, an import computes before it yields to the event loop (so the host
 * answers other requests and pushes events while a large file is read).
 */
export const IMPORT_SLICE_MS = 20;

/** The error a cancelled import rejects with: `conflict`, details `{ cancelled: true, importId }`. */
export function importCancelledError(importId: string, what: string): InitScopeError {
  const details: ImportCancelledDetails = { cancelled: true, importId };
  return new InitScopeError('conflict', `Import of ${what} cancelled; nothing was stored`, details);
}

/**
 * Steps, progress and cancellation of one import. The reading code calls {@link due} often (every row,
 * image or chunk; it only reads the clock) and, when it is true, awaits {@link pause}: that yields to
 * the event loop, throws the cancelled error if the import was cancelled meanwhile, and reports
 * `done`. Events within a phase have strictly increasing `done`; {@link finish} reports `done === total`.
 */
export class ImportProgress {
  private phase: DatasetImportPhase = 'reading';
  private unit: DatasetImportUnit = 'bytes';
  private total = 0;
  private lastDone = -1;
  private lastTotal = -1;
  private lastYield = performance.now();
  private sealedAt: number | null = null;

  /**
   * @param importId the id events carry and the cancelled error names
   * @param what the file or folder imported (for the cancelled error's message)
   * @param emit receives each progress event
   * @param signal aborts the import at its next pause
   * @param sliceMs longest computing stretch between yields, in ms
   */
  constructor(
    readonly importId: string,
    private readonly what: string,
    private readonly emit: (event: DatasetImportEvent) => void = () => {},
    private readonly signal?: AbortSignal,
    private readonly sliceMs = IMPORT_SLICE_MS,
  ) {}

  /** Progress that reports nothing and cannot be cancelled (previews); it still yields to the event loop. */
  static silent(what: string): ImportProgress {
    return new ImportProgress('preview', what);
  }

  /** The signal that cancels this import (undefined when it cannot be cancelled). */
  get cancelSignal(): AbortSignal | undefined {
    return this.signal;
  }

  /**
   * Reports progress counted elsewhere (the import worker process): switches to its phase and unit when
   * they changed, then reports `done` of `total` (the same rules as {@link begin}/{@link pause}).
   */
  relay(phase: DatasetImportPhase, unit: DatasetImportUnit, done: number, total: number): void {
    if (phase !== this.phase || unit !== this.unit) {
      this.phase = phase;
      this.unit = unit;
      this.lastDone = -1;
      this.lastTotal = -1;
    }
    this.total = Math.max(0, Math.floor(total));
    this.report(done, done >= total);
  }

  /** True once {@link seal} was called: the import is committing and can no longer be cancelled. */
  get sealed(): boolean {
    return this.sealedAt !== null;
  }

  /** Starts a phase counting `total` `unit`s and reports 0 of them. */
  begin(phase: DatasetImportPhase, unit: DatasetImportUnit, total: number): void {
    this.phase = phase;
    this.unit = unit;
    this.total = Math.max(0, Math.floor(total));
    this.lastDone = -1;
    this.lastTotal = -1;
    this.report(0);
  }

  /** True when the current stretch of work has run for the slice time (then await {@link pause}). */
  due(): boolean {
    return performance.now() - this.lastYield >= this.sliceMs;
  }

  /** Yields to the event loop, then throws if the import was cancelled, then reports `done`. */
  async pause(done: number): Promise<void> {
    await nextTurn();
    this.lastYield = performance.now();
    this.throwIfCancelled();
    this.report(done);
  }

  /** Yields to the event loop between two long steps (no report), then throws if the import was cancelled. */
  async breathe(): Promise<void> {
    await nextTurn();
    this.lastYield = performance.now();
    this.throwIfCancelled();
  }

  /** Ends the current phase: reports `done === total` (`total` replaced by the real count when given). */
  finish(total = this.total): void {
    this.total = Math.max(0, Math.floor(total));
    this.report(this.total, true);
  }

  /** Throws the cancelled error if the import's signal was aborted. */
  throwIfCancelled(): void {
    if (this.signal?.aborted && !this.sealed) throw importCancelledError(this.importId, this.what);
  }

  /** Last cancellation point: throws if cancelled, then marks the import as committing (no cancel after this). */
  seal(): void {
    this.throwIfCancelled();
    this.sealedAt = performance.now();
  }

  /** Emits `done` if it grew (or, at a phase's end, if the total changed). */
  private report(done: number, end = false): void {
    const clamped = Math.max(0, Math.floor(done));
    if (clamped < this.lastDone || (clamped === this.lastDone && !(end && this.total !== this.lastTotal))) return;
    if (clamped > this.total) this.total = clamped;
    this.lastDone = clamped;
    this.lastTotal = this.total;
    this.emit({ type: 'datasetImportProgress', importId: this.importId, phase: this.phase, unit: this.unit, done: clamped, total: this.total });
  }
}
