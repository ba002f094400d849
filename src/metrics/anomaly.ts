import { checkSameLength, type Metric } from './metric.ts';

export interface AnomalyCounts {
  /** Rows flagged (score >= threshold) that are true anomalies. */
  readonly truePositives: number;
  readonly flagged: number;
  readonly anomalies: number;
}

/** y_true is non-zero for an anomaly; a row is flagged when its score >= threshold. */
export function anomalyCounts(yTrue: Float64Array, score: Float64Array, threshold: number): AnomalyCounts {
  checkSameLength('anomaly', yTrue, score);
  let truePositives = 0;
  let flagged = 0;
  let anomalies = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const isAnomaly = yTrue[i] !== 0;
    const isFlagged = score[i] >= threshold;
    if (isAnomaly) anomalies++;
    if (isFlagged) flagged++;
    if (isAnomaly && isFlagged) truePositives++;
  }
  return { truePositives, flagged, anomalies };
}

/** Share of flagged rows that are anomalies (0 when nothing is flagged, sklearn's zero_division). */
export function anomalyPrecision(yTrue: Float64Array, score: Float64Array, threshold = 0.5): number {
  const c = anomalyCounts(yTrue, score, threshold);
  return c.flagged > 0 ? c.truePositives / c.flagged : 0;
}

/** Share of anomalies that are flagged (0 when there are none). */
export function anomalyRecall(yTrue: Float64Array, score: Float64Array, threshold = 0.5): number {
  const c = anomalyCounts(yTrue, score, threshold);
  return c.anomalies > 0 ? c.truePositives / c.anomalies : 0;
}

/** y_pred is the anomaly score; reads `context.threshold` (default 0.5). */
export const anomalyPrecisionMetric: Metric = {
  name: 'anomaly-precision',
  direction: 'max',
  compute: (yTrue, score, context) => anomalyPrecision(yTrue, score, context?.threshold ?? 0.5),
};
export const anomalyRecallMetric: Metric = {
  name: 'anomaly-recall',
  direction: 'max',
  compute: (yTrue, score, context) => anomalyRecall(yTrue, score, context?.threshold ?? 0.5),
};
