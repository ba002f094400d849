import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { isAimassError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { createRng } from '../../core/rng.ts';
import { expectClose } from '../../testing/expect-close.ts';
import type { Estimator } from '../estimator.ts';
import { lagMatrix, recursiveForecast } from './recursive.ts';

/** A tiny least-squares regressor with intercept (normal equations, Gauss-Jordan): test-only. */
const leastSquares: Estimator<object, { coef: Float64Array }> = {
  name: 'test-least-squares',
  stateVersion: 1,
  tasks: ['regression'],
  nanPolicy: 'reject',
  params: () => Object.freeze({}),
  fit(X: Matrix, y: Float64Array | null) {
    const p = X.cols + 1;
    const a = new Float64Array(p * (p + 1));
    for (let i = 0; i < X.rows; i++) {
      for (let r = 0; r < p; r++) {
        const xr = r === 0 ? 1 : X.data[i * X.cols + r - 1];
        for (let c = 0; c < p; c++) a[r * (p + 1) + c] += xr * (c === 0 ? 1 : X.data[i * X.cols + c - 1]);
        a[r * (p + 1) + p] += xr * (y as Float64Array)[i];
      }
    }
    for (let k = 0; k < p; k++) {
      const pivot = a[k * (p + 1) + k];
      for (let c = 0; c <= p; c++) a[k * (p + 1) + c] /= pivot;
      for (let r = 0; r < p; r++) {
        if (r === k) continue;
        const factor = a[r * (p + 1) + k];
        for (let c = 0; c <= p; c++) a[r * (p + 1) + c] -= factor * a[k * (p + 1) + c];
      }
    }
    const coef = new Float64Array(p);
    for (let r = 0; r < p; r++) coef[r] = a[r * (p + 1) + p];
    return { coef };
  },
  predict(state, X, out = new Float64Array(X.rows)) {
    for (let i = 0; i < X.rows; i++) {
      let value = state.coef[0];
      for (let j = 0; j < X.cols; j++) value += state.coef[j + 1] * X.data[i * X.cols + j];
      out[i] = value;
    }
    return out;
  },
  featureCount: (state) => state.coef.length - 1,
  encode: (_state: { coef: Float64Array }, _writer: BinaryWriter) => {},
  decode: (_reader: BinaryReader) => ({ coef: new Float64Array(1) }),
};

// A noiseless AR(2) with intercept, y[t] = 2 + 0.6 y[t-1] - 0.3 y[t-3], plus a known exogenous term.
function ar(n: number, extra?: Float64Array): Float64Array {
  const y = new Float64Array(n);
  y[0] = 1;
  y[1] = 4;
  y[2] = -2;
  for (let t = 3; t < n; t++) y[t] = 2 + 0.6 * y[t - 1] - 0.3 * y[t - 3] + (extra ? 1.5 * extra[t] : 0);
  return y;
}

test('lagMatrix lays out one column per lag, in the given order', () => {
  const y = Float64Array.of(1, 2, 3, 4, 5);
  const { X, y: target } = lagMatrix(y, [1, 3]);
  assert.equal(X.rows, 2);
  assert.equal(X.cols, 2);
  assert.deepEqual(Array.from(X.data), [3, 1, 4, 2]);
  assert.deepEqual(Array.from(target), [4, 5]);
  const extra: Matrix = { data: Float64Array.of(10, 11, 12, 13, 14), rows: 5, cols: 1 };
  assert.deepEqual(Array.from(lagMatrix(y, [2], extra).X.data), [1, 12, 2, 13, 3, 14]);
  assert.throws(
    () => lagMatrix(y, [0]),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === 'lags',
  );
  assert.throws(
    () => lagMatrix(y, []),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID'),
  );
  assert.throws(
    () => lagMatrix(y, [5]),
    (e: unknown) => isAimassError(e, 'DATA_INVALID'),
  );
});

test('recursive forecasting with a least-squares AR fit continues a noiseless AR process exactly', () => {
  const full = ar(60);
  const history = full.subarray(0, 40);
  const lags = [1, 2, 3];
  const { X, y } = lagMatrix(history, lags);
  const state = leastSquares.fit(X, y, {}, createRng(1));
  expectClose(state.coef, [2, 0.6, 0, -0.3], { atol: 1e-9 }, 'recovered AR coefficients');
  const forecast = recursiveForecast(leastSquares, state, history, lags, 20);
  expectClose(forecast, full.subarray(40), { rtol: 1e-9, atol: 1e-9 }, 'recursive forecast');
  const out = new Float64Array(20);
  assert.equal(recursiveForecast(leastSquares, state, history, lags, 20, undefined, out), out);
  assert.deepEqual(out, forecast);
});

test('recursive forecasting feeds future exogenous features row by row', () => {
  const rng = createRng(5);
  const extra = Float64Array.from({ length: 60 }, () => rng.normal());
  const full = ar(60, extra);
  const lags = [3, 1];
  const train = lagMatrix(full.subarray(0, 45), lags, { data: extra.subarray(0, 45), rows: 45, cols: 1 });
  const state = leastSquares.fit(train.X, train.y, {}, createRng(1));
  const future: Matrix = { data: extra.subarray(45), rows: 15, cols: 1 };
  const forecast = recursiveForecast(leastSquares, state, full.subarray(0, 45), lags, 15, future);
  expectClose(forecast, full.subarray(45), { rtol: 1e-9, atol: 1e-9 });
  assert.throws(
    () => recursiveForecast(leastSquares, state, full.subarray(0, 45), lags, 15),
    (e: unknown) => isAimassError(e, 'DATA_INVALID') && e.context.field === 'lags',
  );
  assert.throws(
    () => recursiveForecast(leastSquares, state, full.subarray(0, 45), lags, 14, future),
    (e: unknown) => isAimassError(e, 'DATA_INVALID') && e.context.field === 'extraFeatures',
  );
  assert.throws(
    () =>
      recursiveForecast(leastSquares, state, full.subarray(0, 2), lags, 3, {
        data: extra.subarray(0, 3),
        rows: 3,
        cols: 1,
      }),
    (e: unknown) => isAimassError(e, 'DATA_INVALID') && e.context.field === 'y',
  );
});
