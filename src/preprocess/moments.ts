/**
 * Shared numeric kernels of the numeric preprocess steps, over flat Float64Arrays.
 * NaN rule: every statistic here skips non-finite values (NaN = missing, ±Infinity = not a
 * measurement), so a statistic is NaN only where a doc comment says so (no finite value at all).
 * Formulas follow numpy / scikit-learn so the sklearn fixtures match.
 */

const EPSILON = 2 ** -52;

/**
 * Count, mean and population variance (ddof 0) of the finite values, written to out[0..2].
 * The variance is sklearn's corrected two-pass form (sum of squared deviations minus the squared
 * sum of deviations / n), which cancels most of the rounding of the mean. Mean and variance are
 * NaN when there is no finite value.
 */
export function finiteMoments(values: Float64Array, out: Float64Array): void {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  const mean = sum / count;
  let squares = 0;
  let correction = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      const d = v - mean;
      correction += d;
      squares += d * d;
    }
  }
  out[0] = count;
  out[1] = count > 0 ? mean : Number.NaN;
  out[2] = count > 0 ? Math.max(0, (squares - (correction * correction) / count) / count) : Number.NaN;
}

/**
 * sklearn's `_is_constant_feature`: a variance this small is rounding noise of a constant column,
 * so dividing by its square root would blow noise up instead of scaling.
 */
export function isConstantVariance(variance: number, mean: number, count: number): boolean {
  const bound = count * EPSILON * variance + (count * mean * EPSILON) ** 2;
  return variance <= bound;
}

/** sklearn's `_handle_zeros_in_scale`: a spread below 10 ulp of 1 (or non-finite) becomes 1. */
export function safeScale(scale: number): number {
  return Number.isFinite(scale) && scale >= 10 * EPSILON ? scale : 1;
}
