/** Least time between two live data updates of a chart, in ms. */
export const LIVE_UPDATE_MS = 250;

/**
 * Paces a live chart's updates so a fast run cannot saturate the page: a structural change (axes,
 * theme, language) is applied at the next animation frame, and new data at most once per
 * `intervalMs` milliseconds (the first at once, later ones batched into one trailing update), also
 * at a frame. `flush` applies whatever is pending; it runs at most once per frame.
 */
export class ChartUpdateScheduler {
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastLive = 0;

  /** `intervalMs`: least time between two live updates, in ms. */
  constructor(
    private readonly flush: () => void,
    private readonly intervalMs = LIVE_UPDATE_MS,
  ) {}

  /** Runs `flush` at the next animation frame (once, however often it is asked). */
  nextFrame(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.flush();
    });
  }

  /** New data: runs `flush` at most once per interval (the first at once, at the next frame). */
  live(): void {
    if (this.timer || this.frame) return;
    const wait = Math.max(0, this.lastLive + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastLive = Date.now();
      this.nextFrame();
    }, wait);
  }

  /** Drops whatever is pending (call when the chart unmounts). */
  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer) clearTimeout(this.timer);
    this.frame = 0;
    this.timer = null;
  }
}
