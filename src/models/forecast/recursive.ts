import { AimassError, paramError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import type { Estimator } from '../estimator.ts';
import { checkSeries, horizonBuffer } from './series-input.ts';

/**
 * Multi-step forecasting with any tabular regressor over lag features: train on `lagMatrix`, then
 * `recursiveForecast` feeds each prediction back as the newest lag (the "recursive" strategy).
 * Feature order is fixed: one column per lag in the given order, then the extra feature columns.
 */

function checkLags(owner: string, lags: readonly number[]): number {
  if (lags.length === 0) throw paramError(owner, 'lags', lags, 'at least one lag');
  let maxLag = 0;
  for (const lag of lags) {
    if (!Number.isInteger(lag) || lag < 1) throw paramError(owner, 'lags', lags, 'integers >= 1');
    if (lag > maxLag) maxLag = lag;
  }
  return maxLag;
}

/**
 * Training rows for t = maxLag..n-1: X[r] = [y[t - lags[0]], y[t - lags[1]], …, extra[t, …]],
 * target y[t]. `extraFeatures` (optional) has one row per point of y (calendar features, …).
 */
export function lagMatrix(
  y: Float64Array,
  lags: readonly number[],
  extraFeatures?: Matrix,
): { X: Matrix; y: Float64Array } {
  const owner = 'lagMatrix';
  const maxLag = checkLags(owner, lags);
  checkSeries(owner, y, maxLag + 1, `the largest lag is ${maxLag}`);
  const extra = extraFeatures?.cols ?? 0;
  if (extraFeatures && extraFeatures.rows !== y.length)
    throw new AimassError(
      'DATA_INVALID',
      `${owner}: extraFeatures has ${extraFeatures.rows} rows, the series has ${y.length} points`,
      { field: 'extraFeatures' },
    );
  const rows = y.length - maxLag;
  const cols = lags.length + extra;
  const data = new Float64Array(rows * cols);
  const target = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = r + maxLag;
    const at = r * cols;
    for (let j = 0; j < lags.length; j++) data[at + j] = y[t - lags[j]];
    for (let k = 0; k < extra; k++)
      data[at + lags.length + k] = (extraFeatures as Matrix).data[t * extra + k];
    target[r] = y[t];
  }
  return { X: { data, rows, cols }, y: target };
}

/**
 * Forecasts `horizon` steps after `history` (the series up to now, at least max(lags) points) with
 * a regressor fitted on `lagMatrix(…, lags)`. `extraFeatures`, when the model was trained with
 * them, holds their future values: one row per forecast step. No allocation per step beyond the
 * estimator's own predict.
 */
export function recursiveForecast<S>(
  // biome-ignore lint/suspicious/noExplicitAny: any regressor's params type.
  estimator: Estimator<any, S>,
  state: S,
  history: Float64Array,
  lags: readonly number[],
  horizon: number,
  extraFeatures?: Matrix,
  out?: Float64Array,
): Float64Array {
  const owner = 'recursiveForecast';
  const maxLag = checkLags(owner, lags);
  checkSeries(owner, history, maxLag, `the largest lag is ${maxLag}`);
  const target = horizonBuffer(owner, horizon, out);
  const extra = extraFeatures?.cols ?? 0;
  if (extraFeatures && extraFeatures.rows !== horizon)
    throw new AimassError(
      'DATA_INVALID',
      `${owner}: extraFeatures has ${extraFeatures.rows} rows, one per forecast step (${horizon}) is needed`,
      { field: 'extraFeatures' },
    );
  const cols = lags.length + extra;
  const expected = estimator.featureCount(state);
  if (expected !== cols)
    throw new AimassError(
      'DATA_INVALID',
      `${owner}: the model expects ${expected} features, ${lags.length} lags + ${extra} extra give ${cols}`,
      { field: 'lags', expected: String(expected) },
    );
  // Ring of the last maxLag values (history, then predictions): index of y[t - lag] is (t - lag) mod maxLag.
  const ring = new Float64Array(maxLag);
  const start = history.length - maxLag;
  for (let i = 0; i < maxLag; i++) ring[(start + i) % maxLag] = history[start + i];
  const row: Matrix = { data: new Float64Array(cols), rows: 1, cols };
  const prediction = new Float64Array(1);
  for (let h = 0; h < horizon; h++) {
    const t = history.length + h;
    for (let j = 0; j < lags.length; j++) row.data[j] = ring[(t - lags[j]) % maxLag];
    for (let k = 0; k < extra; k++) row.data[lags.length + k] = (extraFeatures as Matrix).data[h * extra + k];
    estimator.predict(state, row, prediction);
    target[h] = prediction[0];
    ring[t % maxLag] = prediction[0];
  }
  return target;
}
