/**
 * Decides how many samples of each split batch this thread computes (the rest go to the peer) so
 * that both finish together. It starts at half and, after every split step, moves towards the share
 * that would have equalised the two measured paths: this thread's compute time per sample against the
 * peer's (its busy time per sample, plus the messaging around it). Smoothed, and kept within
 * [MIN_FRACTION, MAX_FRACTION], so one slow step (a GC pause, another process) cannot swing it far.
 */
export class ShareBalancer {
  static readonly MIN_FRACTION = 0.25;
  static readonly MAX_FRACTION = 0.75;
  /** Weight of the newest estimate in the moving average. */
  private static readonly SMOOTHING = 0.2;
  private fraction = 0.5;

  /** The fraction of a batch this thread takes now (0.5 until the first measurement). */
  get mainFraction(): number {
    return this.fraction;
  }

  /**
   * This thread's share of an n-sample batch: round(n · fraction), at least 1 and at most n − 1.
   * @param n samples in the batch (≥ 2)
   */
  mainShare(n: number): number {
    return Math.min(n - 1, Math.max(1, Math.round(n * this.fraction)));
  }

  /**
   * Records one split step.
   * @param mainSamples samples this thread computed; `mainMs` how long that took (ms)
   * @param peerSamples samples the peer computed; `peerBusyMs` its own measure of the work (ms)
   * @param roundTripMs from sending the request to having the answer (ms): busy time plus messaging
   */
  record(mainSamples: number, mainMs: number, peerSamples: number, peerBusyMs: number, roundTripMs: number): void {
    if (!(mainMs > 0 && peerBusyMs > 0 && mainSamples > 0 && peerSamples > 0)) return;
    const n = mainSamples + peerSamples;
    const mainPerSample = mainMs / mainSamples;
    const peerPerSample = peerBusyMs / peerSamples;
    const messaging = Math.max(0, roundTripMs - peerBusyMs);
    // Equal finish: f·n·main = (1 − f)·n·peer + messaging.
    const ideal = (n * peerPerSample + messaging) / (n * (mainPerSample + peerPerSample));
    const next = (1 - ShareBalancer.SMOOTHING) * this.fraction + ShareBalancer.SMOOTHING * ideal;
    this.fraction = Math.min(ShareBalancer.MAX_FRACTION, Math.max(ShareBalancer.MIN_FRACTION, next));
  }
}
