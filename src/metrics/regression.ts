import { checkSameLength, type Metric } from './metric.ts';

/** sklearn's MAPE guard: |y| below machine epsilon is replaced by epsilon. */
const EPSILON = 2.220446049250313e-16;

export function meanSquaredError(yTrue: Float64Array, yPred: Float64Array): number {
  checkSameLength('mse', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yTrue[i] - yPred[i];
    total += d * d;
  }
  return yTrue.length === 0 ? Number.NaN : total / yTrue.length;
}

export function meanAbsoluteError(yTrue: Float64Array, yPred: Float64Array): number {
  checkSameLength('mae', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += Math.abs(yTrue[i] - yPred[i]);
  return yTrue.length === 0 ? Number.NaN : total / yTrue.length;
}

/** MAPE as a FRACTION (sklearn): mean(|y - ŷ| / max(|y|, eps)). */
export function meanAbsolutePercentageError(yTrue: Float64Array, yPred: Float64Array): number {
  checkSameLength('mape', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++)
    total += Math.abs(yTrue[i] - yPred[i]) / Math.max(Math.abs(yTrue[i]), EPSILON);
  return yTrue.length === 0 ? Number.NaN : total / yTrue.length;
}

/**
 * R² = 1 - SS_res / SS_tot. A constant y_true follows sklearn's force_finite convention: 1 for a
 * perfect prediction, else 0.
 */
export function r2Score(yTrue: Float64Array, yPred: Float64Array): number {
  checkSameLength('r2', yTrue, yPred);
  const n = yTrue.length;
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let residual = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    residual += (yTrue[i] - yPred[i]) ** 2;
    spread += (yTrue[i] - mean) ** 2;
  }
  if (spread === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / spread;
}

export const mse: Metric = { name: 'mse', direction: 'min', compute: meanSquaredError };
export const rmse: Metric = {
  name: 'rmse',
  direction: 'min',
  compute: (yTrue, yPred) => Math.sqrt(meanSquaredError(yTrue, yPred)),
};
export const mae: Metric = { name: 'mae', direction: 'min', compute: meanAbsoluteError };
export const mape: Metric = { name: 'mape', direction: 'min', compute: meanAbsolutePercentageError };
export const r2: Metric = { name: 'r2', direction: 'max', compute: r2Score };
