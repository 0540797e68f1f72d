/** The largest smoothing weight the UI offers (1 would freeze the curve at its first value). */
export const MAX_SMOOTHING = 0.99;

/**
 * TensorBoard's scalar smoothing: an exponential moving average with debiasing. With weight w ∈ [0, 1),
 * over the finite values v₁, v₂, … in order: last_k = w·last_{k−1} + (1 − w)·v_k (last₀ = 0), and
 * smoothed_k = last_k / (1 − wᵏ) — the division removes the pull towards the initial 0, so the first
 * smoothed value equals the first value. A null (or non-finite) value is passed through as null and
 * does not count (as TensorBoard does with NaN); a constant series is returned unchanged (TensorBoard's
 * guard against rounding noise). w = 0 returns the values themselves.
 * @param values the raw series, in step order
 * @param weight smoothing weight in [0, MAX_SMOOTHING]; out-of-range weights are clamped
 */
export function smoothDebiased(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(MAX_SMOOTHING, Math.max(0, Number.isFinite(weight) ? weight : 0));
  const first = values.find((v) => v !== null && Number.isFinite(v));
  const constant = values.every((v) => v === null || !Number.isFinite(v) || v === first);
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    if (constant) return v;
    last = last * w + (1 - w) * v;
    count += 1;
    return w === 0 ? v : last / (1 - w ** count);
  });
}
