import { AimassError } from '../core/errors.ts';
import { checkSameLength, type Metric } from './metric.ts';
import { meanAbsoluteError } from './regression.ts';

/**
 * sMAPE in PERCENT (0..200): 100/n Σ 2|F - A| / (|A| + |F|). A term with A = F = 0 counts 0 (a
 * perfect forecast of zero), where the formula alone would give 0/0.
 */
export function symmetricMape(yTrue: Float64Array, yPred: Float64Array): number {
  checkSameLength('smape', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const denominator = Math.abs(yTrue[i]) + Math.abs(yPred[i]);
    if (denominator > 0) total += (2 * Math.abs(yPred[i] - yTrue[i])) / denominator;
  }
  return yTrue.length === 0 ? Number.NaN : (100 * total) / yTrue.length;
}

/** MASE's denominator: the in-sample MAE of the seasonal-naive forecast, 1/(T-m) Σ_{t>=m} |y_t - y_{t-m}|. */
export function seasonalNaiveScale(train: Float64Array, seasonalPeriod: number): number {
  const T = train.length;
  if (T <= seasonalPeriod) return Number.NaN;
  let total = 0;
  for (let t = seasonalPeriod; t < T; t++) total += Math.abs(train[t] - train[t - seasonalPeriod]);
  return total / (T - seasonalPeriod);
}

/**
 * MASE = MAE(test) / seasonal-naive in-sample MAE with period m (Hyndman & Koehler 2006). NaN when
 * the training series is not longer than m or is exactly m-periodic (zero scale).
 */
export function meanAbsoluteScaledError(
  yTrue: Float64Array,
  yPred: Float64Array,
  train: Float64Array,
  seasonalPeriod = 1,
): number {
  if (!Number.isInteger(seasonalPeriod) || seasonalPeriod < 1)
    throw new AimassError('DATA_INVALID', `mase: seasonal period ${seasonalPeriod} is not an integer >= 1`, {
      field: 'seasonalPeriod',
      value: seasonalPeriod,
    });
  const scale = seasonalNaiveScale(train, seasonalPeriod);
  if (!(scale > 0)) return Number.NaN;
  return meanAbsoluteError(yTrue, yPred) / scale;
}

export const smape: Metric = { name: 'smape', direction: 'min', compute: symmetricMape };
/** Reads `context.train` (required) and `context.seasonalPeriod` (default 1). */
export const mase: Metric = {
  name: 'mase',
  direction: 'min',
  compute(yTrue, yPred, context) {
    if (!context?.train)
      throw new AimassError('DATA_INVALID', 'mase: the training series (context.train) is required', {
        field: 'train',
      });
    return meanAbsoluteScaledError(yTrue, yPred, context.train, context.seasonalPeriod ?? 1);
  },
};
