import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import type { Matrix } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import type { Estimator } from '../estimator.ts';
import { checkFeatureCount, checkMatrix, checkTarget } from '../validate-input.ts';
import { cachedParams } from './cached-params.ts';
import { classIndices, sortedClasses } from './class-labels.ts';
import { fitLogisticNewton } from './logistic-newton.ts';

export interface LogisticParams {
  /** Inverse L2 strength, as sklearn: the objective is C·Σ log loss + ½||w||². Default 1. */
  C: number;
  /**
   * Newton decrement (log-likelihood units) of the last step; the gap left after it is ~tol². The
   * default 1e-2 already lands closer to the optimum than sklearn's lbfgs at its default tol.
   */
  tol: number;
  /** Newton iterations at most (each is one Hessian pass over the data). Default 100. */
  maxIter: number;
}

/**
 * `coef` is blocks × featureCount: 1 block (the positive class, classes[1]) for binary, one per class
 * for multinomial, none for a single class. Multinomial intercepts sum to 0, as in sklearn.
 */
export interface LogisticState {
  readonly classes: Float64Array;
  readonly featureCount: number;
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly iterations: number;
}

const logisticParams = cachedParams<LogisticParams>(
  'logistic',
  { C: 1, tol: 1e-2, maxIter: 100 },
  {
    C: { type: 'number', min: 0, exclusiveMin: true },
    tol: { type: 'number', min: 0, exclusiveMin: true },
    maxIter: { type: 'number', min: 1, integer: true },
  },
);

let labelBuffer = new Int32Array(0);

const blocksOf = (classCount: number): number => (classCount === 2 ? 1 : classCount === 1 ? 0 : classCount);

function fit(X: Matrix, y: Float64Array | null, params: unknown, _rng: Rng): LogisticState {
  const { C, tol, maxIter } = logisticParams(params);
  checkMatrix('logistic', X, 'reject');
  const target = checkTarget('logistic', X, y);
  const classes = sortedClasses(target);
  const featureCount = X.cols;
  if (classes.length === 1)
    return {
      classes,
      featureCount,
      coef: new Float64Array(0),
      intercept: new Float64Array(0),
      iterations: 0,
    };
  if (labelBuffer.length < X.rows) labelBuffer = new Int32Array(X.rows * 2);
  const labels = classIndices(target, classes, labelBuffer);
  const result = fitLogisticNewton(X.data, X.rows, X.cols, labels, classes.length, C, tol, maxIter);
  return {
    classes,
    featureCount,
    coef: result.coef,
    intercept: result.intercept,
    iterations: result.iterations,
  };
}

/** Decision scores into out (rows × blocks); returns their sum (a finiteness probe). */
function scores(state: LogisticState, X: Matrix, out: Float64Array): number {
  const blocks = blocksOf(state.classes.length);
  const { data, rows, cols } = X;
  let total = 0;
  for (let r = 0, b = 0; r < rows; r++, b += cols) {
    for (let k = 0; k < blocks; k++) {
      let value = state.intercept[k];
      const o = k * cols;
      for (let j = 0; j < cols; j++) value += data[b + j] * state.coef[o + j];
      out[r * blocks + k] = value;
      total += value;
    }
  }
  return total;
}

let scoreBuffer = new Float64Array(0);

function scoresChecked(state: LogisticState, X: Matrix): Float64Array {
  checkFeatureCount('logistic', X, state.featureCount);
  const blocks = blocksOf(state.classes.length);
  if (scoreBuffer.length < X.rows * blocks) scoreBuffer = new Float64Array(X.rows * blocks * 2);
  const total = scores(state, X, scoreBuffer);
  // NaN / ±Infinity in X propagate into the scores; only then pay for the cell-by-cell check.
  if (total - total !== 0) checkMatrix('logistic', X, 'reject');
  if (blocks === 0) checkMatrix('logistic', X, 'reject');
  return scoreBuffer;
}

function predict(state: LogisticState, X: Matrix, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(X.rows);
  const s = scoresChecked(state, X);
  const { classes } = state;
  const blocks = blocksOf(classes.length);
  for (let r = 0; r < X.rows; r++) {
    if (blocks === 0) result[r] = classes[0];
    else if (blocks === 1) result[r] = s[r] > 0 ? classes[1] : classes[0];
    else {
      let best = 0;
      for (let k = 1; k < blocks; k++) if (s[r * blocks + k] > s[r * blocks + best]) best = k;
      result[r] = classes[best];
    }
  }
  return result;
}

function predictProba(state: LogisticState, X: Matrix, out?: Float64Array): Matrix {
  const k = state.classes.length;
  const data = out ?? new Float64Array(X.rows * k);
  const s = scoresChecked(state, X);
  const blocks = blocksOf(k);
  for (let r = 0; r < X.rows; r++) {
    if (blocks === 0) data[r] = 1;
    else if (blocks === 1) {
      const p = 1 / (1 + Math.exp(-s[r]));
      data[r * 2] = 1 - p;
      data[r * 2 + 1] = p;
    } else {
      let max = s[r * k];
      for (let c = 1; c < k; c++) max = Math.max(max, s[r * k + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(s[r * k + c] - max);
        data[r * k + c] = e;
        sum += e;
      }
      for (let c = 0; c < k; c++) data[r * k + c] /= sum;
    }
  }
  return { data, rows: X.rows, cols: k };
}

function encode(state: LogisticState, writer: BinaryWriter): void {
  writer.f64Array(state.classes);
  writer.u32(state.featureCount);
  writer.u32(state.iterations);
  writer.weights(state.coef);
  writer.weights(state.intercept);
}

function decode(reader: BinaryReader): LogisticState {
  const classes = reader.f64Array();
  if (classes.length === 0) throw reader.corrupt('no classes');
  for (let c = 0; c < classes.length; c++) {
    if (!Number.isFinite(classes[c]) || (c > 0 && !(classes[c] > classes[c - 1])))
      throw reader.corrupt('classes are not finite and strictly ascending');
  }
  const featureCount = reader.count(1 << 24, 'feature count');
  const iterations = reader.u32();
  const coef = reader.weights();
  const intercept = reader.weights();
  const blocks = blocksOf(classes.length);
  if (coef.length !== blocks * featureCount || intercept.length !== blocks)
    throw reader.corrupt(`coefficients do not fit ${classes.length} classes × ${featureCount} features`);
  for (const values of [coef, intercept])
    for (let i = 0; i < values.length; i++)
      if (!Number.isFinite(values[i])) throw reader.corrupt('weight not finite');
  return { classes, featureCount, coef, intercept, iterations };
}

/**
 * L2 logistic regression (sklearn's LogisticRegression, binary or multinomial), fitted by Newton /
 * IRLS: exact to the optimum in a handful of O(n p²) passes for the small feature counts of
 * per-entity models. The Hessian has (K·(p+1))² entries: not meant for hundreds of features.
 */
export const logisticEstimator: Estimator<LogisticParams, LogisticState> = {
  name: 'logistic',
  stateVersion: 1,
  tasks: ['classification'],
  nanPolicy: 'reject',
  params: logisticParams,
  fit,
  predict,
  predictProba,
  classes: (state) => state.classes,
  featureCount: (state) => state.featureCount,
  encode,
  decode,
};
