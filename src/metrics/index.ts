export { type AnomalyCounts, anomalyCounts, anomalyPrecision, anomalyRecall } from './anomaly.ts';
export {
  accuracyScore,
  type ConfusionMatrix,
  confusionMatrix,
  distinctLabels,
  type PerClassScores,
  type PrecisionRecallF1,
  perClassScores,
  precisionRecallF1,
} from './classification.ts';
export { meanAbsoluteScaledError, seasonalNaiveScale, symmetricMape } from './forecast.ts';
export { type Average, isBetter, type Metric, type MetricContext } from './metric.ts';
export { binaryLogLoss, logLoss, rocAuc } from './probabilistic.ts';
export { metricByName, metrics } from './registry.ts';
export { meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, r2Score } from './regression.ts';
