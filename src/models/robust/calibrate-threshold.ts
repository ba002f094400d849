/** How a detection threshold was derived from held-back scores. */
export type ThresholdRule = 'quantile' | 'max-margin';

/**
 * Threshold for a target false-alarm rate from the scores of held-back normal rows. With at least
 * 1 / rate held-back rows the (1 - rate) empirical quantile is estimable (it lies inside the
 * sample); with fewer it would be the sample maximum by construction, which underestimates the
 * tail, so the rule becomes max · margin (an extreme-value-safe guard). Never below `floor`.
 */
export function calibrateThreshold(
  scores: Float64Array,
  targetFalseAlarmRate: number,
  margin: number,
  floor: number,
): { threshold: number; rule: ThresholdRule } {
  const n = scores.length;
  const sorted = Float64Array.from(scores).sort();
  if (n === 0) return { threshold: floor, rule: 'max-margin' };
  if (n * targetFalseAlarmRate >= 1) {
    const position = (1 - targetFalseAlarmRate) * (n - 1);
    const low = Math.floor(position);
    const high = Math.min(low + 1, n - 1);
    const value = sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    return { threshold: Math.max(floor, value), rule: 'quantile' };
  }
  return { threshold: Math.max(floor, sorted[n - 1] * margin), rule: 'max-margin' };
}
