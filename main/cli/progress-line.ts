/** What one progress line shows. Losses in the loss's units, accuracy in [0, 1], ETA in seconds. */
export interface ProgressState {
  epoch: number;
  totalEpochs: number;
  trainLoss: number | null;
  /** Validation loss: shown instead of accuracy for regression runs (whose accuracies are null). */
  valLoss?: number | null;
  valAcc: number | null;
  trainAcc: number | null;
  etaSeconds: number | null;
}

/** Formats seconds as `m:ss` or `h:mm:ss`; `--:--` when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * One terminal line: `[########------------]  12/200  loss 0.4321  acc 0.812  val 0.790  ETA 0:23`.
 * `barWidth` is the number of characters between the brackets.
 */
export function formatProgressLine(state: ProgressState, barWidth = 24): string {
  const fraction = state.totalEpochs > 0 ? Math.min(1, state.epoch / state.totalEpochs) : 0;
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  const width = String(state.totalEpochs).length;
  const num = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));
  return [
    bar,
    `${String(state.epoch).padStart(width)}/${state.totalEpochs}`,
    `loss ${num(state.trainLoss, 4)}`,
    ...(state.trainAcc === null && state.valAcc === null && state.valLoss != null
      ? [`val loss ${num(state.valLoss, 4)}`]
      : [`acc ${num(state.trainAcc, 3)}`, `val ${num(state.valAcc, 3)}`]),
    `ETA ${formatDuration(state.etaSeconds)}`,
  ].join('  ');
}
