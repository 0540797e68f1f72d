import type { SplitCalibration, SplitCalibrationKey } from '../../contract/index.js';
import { ensureSplitCalibration } from './split-calibrate.js';
import { currentCalibrationKey, loadSplitCalibration } from './split-calibration-store.js';

/** What the background calibration needs to know of the engine pool: whether its own runs train. */
export interface PoolActivity {
  /** True while a run of this host is queued or training. */
  busy(): boolean;
  /** Runs this host's pool has started so far (a measurement that saw it change is discarded). */
  runsStarted(): number;
}

export interface AutoSplitCalibrationOptions {
  dataDir: string;
  /** Measures the calibration, off the host's thread (main/services/calibration-worker.ts). */
  measure: (key: SplitCalibrationKey) => { result: Promise<SplitCalibration>; stop(): void };
  pool: PoolActivity;
  /** One line per event worth a log (measured, discarded, failed, corrupt file). Default console.warn. */
  log?: (line: string) => void;
  /** Default currentCalibrationKey(). */
  key?: SplitCalibrationKey;
  /** Delay (ms) before the first attempt, and between attempts (default 2 s, then 30 s). */
  firstDelayMs?: number;
  retryMs?: number;
  /** Attempts at most (busy pool, disturbed measurement, another process measuring); default 20. */
  maxAttempts?: number;
  /** See ensureSplitCalibration (default 60 s). */
  lockStaleMs?: number;
}

/**
 * The machine's split calibration as the host's runs see it, measured automatically on first use.
 * At start it reads `<dataDir>/split-calibration.json`; when there is none for this machine (no file,
 * another CPU model or core count, another engine version, or a corrupt or hostile file — logged) it
 * measures one in the background, without delaying any run: until it is stored, {@link current} is null
 * and runs use the built-in conservative rule (engine/parallel/split-policy.ts).
 * A measurement starts only while this host trains nothing, and is thrown away (and tried again later)
 * if one of its runs started meanwhile, since a run on the other core would make two parts look slow.
 * Of several processes on one data folder only one measures (the lock in ensureSplitCalibration); the
 * others find its file at their next attempt. A failure (e.g. no wasm backend) is logged once and
 * not retried: runs keep the built-in rule.
 */
export class AutoSplitCalibration {
  private calibration: SplitCalibration | null;
  private readonly key: SplitCalibrationKey;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: { stop(): void } | null = null;
  private attempts = 0;
  private closed = false;
  private settled: Promise<void> = Promise.resolve();

  constructor(private readonly options: AutoSplitCalibrationOptions) {
    this.key = options.key ?? currentCalibrationKey();
    this.log = options.log ?? ((line) => console.warn(line));
    this.calibration = loadSplitCalibration(options.dataDir, this.key, this.log);
    if (!this.calibration) this.schedule(options.firstDelayMs ?? 2000);
  }

  /** The calibration runs use now (sent with each run; recorded in its provenance), or null. */
  current(): SplitCalibration | null {
    return this.calibration;
  }

  /** Whether a measurement is pending or in flight (for tests and the bench). */
  get pending(): boolean {
    return this.timer !== null || this.inFlight !== null;
  }

  /** Resolves when the current attempt (if any) has ended; for tests. */
  whenSettled(): Promise<void> {
    return this.settled;
  }

  /** Stops any measurement in flight (its worker is killed; the lock is released) and any retry. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.inFlight?.stop();
    await this.settled;
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.attempts >= (this.options.maxAttempts ?? 20)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.settled = this.attempt();
    }, delayMs);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    this.attempts++;
    const retry = () => this.schedule(this.options.retryMs ?? 30_000);
    const { pool } = this.options;
    const stored = loadSplitCalibration(this.options.dataDir, this.key, this.log);
    if (stored) {
      this.calibration = stored; // measured by another process on this data folder
      return;
    }
    if (pool.busy()) return retry();
    const startedBefore = pool.runsStarted();
    let disturbed = false;
    try {
      const outcome = await ensureSplitCalibration(this.options.dataDir, {
        key: this.key,
        warn: this.log,
        waitMs: 0,
        ...(this.options.lockStaleMs !== undefined ? { lockStaleMs: this.options.lockStaleMs } : {}),
        measure: async (key) => {
          const job = this.options.measure(key);
          this.inFlight = job;
          try {
            const calibration = await job.result;
            if (this.closed) throw new Error('the host closed');
            if (pool.busy() || pool.runsStarted() !== startedBefore) {
              disturbed = true;
              throw new Error('a run trained during the measurement');
            }
            return calibration;
          } finally {
            this.inFlight = null;
          }
        },
      });
      if (!outcome) return retry(); // another process holds the lock: it is measuring
      this.calibration = outcome.calibration;
      if (outcome.measured) {
        const c = outcome.calibration;
        const threshold = c.minSplitFlops === null ? 'never' : `from ${(c.minSplitFlops / 1e6).toFixed(1)} MFLOP per step`;
        this.log(`initscope: measured this machine's split calibration (two parts on two cores: ${threshold}); stored in ${this.options.dataDir}`);
      }
    } catch (error) {
      if (this.closed) return;
      if (disturbed) {
        this.log('initscope: split calibration discarded (a run trained meanwhile); it is measured again when the engine is idle');
        return retry();
      }
      this.log(`initscope: split calibration failed (${error instanceof Error ? error.message : String(error)}); runs use the built-in rule`);
    }
  }
}
