import type { Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import type { Estimator } from '../estimator.ts';
import { centredGram, trace } from '../kernels/gram.ts';
import { solveNormalEquations } from '../kernels/solve-normal-equations.ts';
import { cachedParams } from './cached-params.ts';
import {
  checkShapes,
  decodeLinear,
  encodeLinear,
  type LinearState,
  predictLinear,
  rejectNonFinite,
} from './linear-state.ts';

export interface RidgeParams {
  /** L2 penalty on the coefficients (not the intercept), sklearn's Ridge `alpha`. Default 1. */
  alpha: number;
}

// Module scratch reused by every fit: a per-entity fit allocates only its coefficient array.
let gram = new Float64Array(64);
let xty = new Float64Array(8);
let means = new Float64Array(9);

/**
 * Closed-form least squares with intercept: centre X and y in one pass, solve
 * (Xc'Xc + alpha I) w = Xc'yc (Cholesky; pseudo-inverse fallback when singular, see
 * solveNormalEquations), intercept = mean(y) - mean(X) · w. Minimises ||y - Xw - b||² + alpha ||w||².
 */
export function fitLeastSquares(owner: string, X: Matrix, y: Float64Array, alpha: number): LinearState {
  const p = X.cols;
  if (gram.length < p * p) gram = new Float64Array(p * p * 2);
  if (xty.length < p) {
    xty = new Float64Array(p * 2);
    means = new Float64Array(p * 2 + 1);
  }
  const yy = centredGram(X.data, X.rows, p, y, gram, xty, means);
  if ((yy + trace(gram, p)) * 0 !== 0) rejectNonFinite(owner, X, y);
  const coef = new Float64Array(p);
  solveNormalEquations(gram, xty, p, alpha, coef);
  let intercept = means[p];
  for (let j = 0; j < p; j++) intercept -= means[j] * coef[j];
  return { coef, intercept };
}

const ridgeParams = cachedParams<RidgeParams>('ridge', { alpha: 1 }, { alpha: { type: 'number', min: 0 } });

/** sklearn's Ridge (dense Cholesky): the hot path of the platform, a few microseconds per entity. */
export const ridgeEstimator: Estimator<RidgeParams, LinearState> = {
  name: 'ridge',
  stateVersion: 1,
  tasks: ['regression'],
  nanPolicy: 'reject',
  params: ridgeParams,
  fit(X: Matrix, y: Float64Array | null, params: unknown, _rng: Rng): LinearState {
    const { alpha } = ridgeParams(params);
    return fitLeastSquares('ridge', X, checkShapes('ridge', X, y), alpha);
  },
  predict: (state, X, out) => predictLinear('ridge', state, X, out),
  featureCount: (state) => state.coef.length,
  encode: encodeLinear,
  decode: decodeLinear,
};

// biome-ignore lint/complexity/noBannedTypes: OLS has no params.
export type OlsParams = {};
const olsParams = cachedParams<OlsParams>('ols', {}, {});

/**
 * Ordinary least squares with intercept (sklearn's LinearRegression). Singular designs (a constant
 * column, duplicated columns, more features than rows) take the pseudo-inverse path: constant columns
 * get 0 and the rest is the minimum-norm solution on equilibrated columns.
 */
export const olsEstimator: Estimator<OlsParams, LinearState> = {
  name: 'ols',
  stateVersion: 1,
  tasks: ['regression'],
  nanPolicy: 'reject',
  params: olsParams,
  fit(X: Matrix, y: Float64Array | null, params: unknown, _rng: Rng): LinearState {
    olsParams(params);
    return fitLeastSquares('ols', X, checkShapes('ols', X, y), 0);
  },
  predict: (state, X, out) => predictLinear('ols', state, X, out),
  featureCount: (state) => state.coef.length,
  encode: encodeLinear,
  decode: decodeLinear,
};
