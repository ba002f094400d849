/** How a detection threshold was derived from held-back scores. */
export type ThresholdRule = 'quantile' | 'max-margin';

/**
 * Threshold for a target false-alarm rate from the scores of held-back normal rows. With at least
 * 1 / rate held-back rows the (1 - rate) empirical quantile is estimable (it lies inside the
 * sample); with fewer it would be the sample maximum by construction, which underestimates the
 * tail, so the rule becomes max · margin (an extreme-value-safe guard). Never below `floor`.
 * Held-back rows may hold real anomalies: scores beyond the outer fence Q3 + 6 · IQR of the
 * held-back scores are left out first, so one spike in the tail cannot lift the threshold above itself.
 */
export function calibrateThreshold(
  scores: Float64Array,
  targetFalseAlarmRate: number,
  margin: number,
  floor: number,
): { threshold: number; rule: ThresholdRule } {
  const all = Float64Array.from(scores).sort();
  if (all.length === 0) return { threshold: floor, rule: 'max-margin' };
  const fence = at(all, 0.75) + 6 * (at(all, 0.75) - at(all, 0.25));
  let n = all.length;
  while (n > 1 && all[n - 1] > fence) n--;
  const sorted = all.subarray(0, n);
  if (n * targetFalseAlarmRate >= 1) {
    return { threshold: Math.max(floor, at(sorted, 1 - targetFalseAlarmRate)), rule: 'quantile' };
  }
  return { threshold: Math.max(floor, sorted[n - 1] * margin), rule: 'max-margin' };
}

/** Linear-interpolation quantile q of sorted values (numpy's default). */
function at(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}
