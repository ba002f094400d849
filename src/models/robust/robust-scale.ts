/** Consistency factor: 1.4826 · MAD estimates σ for Gaussian data. */
export const MAD_TO_SIGMA = 1.4826;
/** sqrt(π/2): mean absolute deviation · this estimates σ for Gaussian data. */
export const MEAN_ABS_TO_SIGMA = 1.2533141373155003;

let sortScratch = new Float64Array(0);

/** Median of values[0..n) (mean of the two middle values when n is even); NaN when n = 0. */
export function medianOf(values: Float64Array, n: number): number {
  if (n === 0) return Number.NaN;
  if (sortScratch.length < n) sortScratch = new Float64Array(n);
  const sorted = sortScratch.subarray(0, n);
  sorted.set(values.subarray(0, n));
  sorted.sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Robust centre and spread of one column: median and 1.4826 · MAD. When more than half the values
 * are equal, MAD is 0 and every other value would be infinitely far, so the spread falls back to
 * sqrt(π/2) · mean absolute deviation from the median (non-zero as soon as one value differs);
 * a truly constant column gets 1e-6 · |median| (or 1e-9 at 0) so that any change is an outlier but
 * the score stays finite. Writes [centre, spread] into `out`. NaN is not expected (reject first).
 */
export function robustLocationScale(
  values: Float64Array,
  n: number,
  deviations: Float64Array,
  out: Float64Array,
): void {
  const centre = medianOf(values, n);
  let meanAbs = 0;
  for (let i = 0; i < n; i++) {
    deviations[i] = Math.abs(values[i] - centre);
    meanAbs += deviations[i];
  }
  meanAbs /= Math.max(1, n);
  let spread = MAD_TO_SIGMA * medianOf(deviations, n);
  if (!(spread > 0)) spread = MEAN_ABS_TO_SIGMA * meanAbs;
  if (!(spread > 0)) spread = Math.max(1e-6 * Math.abs(centre), 1e-9);
  out[0] = centre;
  out[1] = spread;
}
