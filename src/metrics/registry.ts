import { paramError } from '../core/errors.ts';
import { anomalyPrecisionMetric, anomalyRecallMetric } from './anomaly.ts';
import {
  accuracy,
  f1,
  f1Macro,
  f1Micro,
  f1Weighted,
  precision,
  precisionMacro,
  recall,
  recallMacro,
} from './classification.ts';
import { mase, smape } from './forecast.ts';
import type { Metric } from './metric.ts';
import { logLossMetric, rocAucMetric } from './probabilistic.ts';
import { mae, mape, mse, r2, rmse } from './regression.ts';

/** Every scalar metric by its stable name (the name a fleet spec uses). */
export const metrics: Readonly<Record<string, Metric>> = Object.freeze(
  Object.fromEntries(
    [
      rmse,
      mse,
      mae,
      mape,
      r2,
      smape,
      mase,
      accuracy,
      precision,
      recall,
      f1,
      precisionMacro,
      recallMacro,
      f1Macro,
      f1Micro,
      f1Weighted,
      logLossMetric,
      rocAucMetric,
      anomalyPrecisionMetric,
      anomalyRecallMetric,
    ].map((metric) => [metric.name, metric]),
  ),
);

/** The metric called `name`, or PARAM_INVALID naming the field `metric` and the known names. */
export function metricByName(name: string): Metric {
  const metric = Object.hasOwn(metrics, name) ? metrics[name] : undefined;
  if (!metric) throw paramError('metrics', 'metric', name, `one of ${Object.keys(metrics).join(', ')}`);
  return metric;
}
