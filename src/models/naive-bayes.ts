import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import type { Matrix } from '../core/matrix.ts';
import type { Rng } from '../core/rng.ts';
import type { Estimator } from './estimator.ts';
import { cachedParams } from './linear/cached-params.ts';
import { classIndices, sortedClasses } from './linear/class-labels.ts';
import { checkFeatureCount, checkMatrix, checkTarget } from './validate-input.ts';

export interface GaussianNbParams {
  /**
   * Added to every variance: varSmoothing × the largest feature variance (sklearn's epsilon_), or
   * varSmoothing itself when every feature is constant (sklearn would divide by zero). Default 1e-9.
   */
  varSmoothing: number;
}

/** theta / variance are classes × featureCount; variance already includes epsilon. */
export interface GaussianNbState {
  readonly classes: Float64Array;
  readonly featureCount: number;
  readonly theta: Float64Array;
  readonly variance: Float64Array;
  readonly priors: Float64Array;
  readonly epsilon: number;
}

const nbParams = cachedParams<GaussianNbParams>(
  'gaussian-nb',
  { varSmoothing: 1e-9 },
  { varSmoothing: { type: 'number', min: 0, exclusiveMin: true } },
);

let labelBuffer = new Int32Array(0);

function fit(X: Matrix, y: Float64Array | null, params: unknown, _rng: Rng): GaussianNbState {
  const { varSmoothing } = nbParams(params);
  checkMatrix('gaussian-nb', X, 'reject');
  const target = checkTarget('gaussian-nb', X, y);
  const { data, rows, cols } = X;
  const classes = sortedClasses(target);
  const k = classes.length;
  if (labelBuffer.length < rows) labelBuffer = new Int32Array(rows * 2);
  const labels = classIndices(target, classes, labelBuffer);
  const counts = new Float64Array(k);
  const theta = new Float64Array(k * cols);
  const variance = new Float64Array(k * cols);
  const overallMean = new Float64Array(cols);
  for (let r = 0, b = 0; r < rows; r++, b += cols) {
    const o = labels[r] * cols;
    counts[labels[r]]++;
    for (let j = 0; j < cols; j++) {
      theta[o + j] += data[b + j];
      overallMean[j] += data[b + j];
    }
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < cols; j++) theta[c * cols + j] /= counts[c];
  for (let j = 0; j < cols; j++) overallMean[j] /= rows;
  // Two-pass (population) variances, as numpy's var: no cancellation for offset features.
  const overallVariance = new Float64Array(cols);
  for (let r = 0, b = 0; r < rows; r++, b += cols) {
    const o = labels[r] * cols;
    for (let j = 0; j < cols; j++) {
      variance[o + j] += (data[b + j] - theta[o + j]) ** 2;
      overallVariance[j] += (data[b + j] - overallMean[j]) ** 2;
    }
  }
  let largest = 0;
  for (let j = 0; j < cols; j++) largest = Math.max(largest, overallVariance[j] / rows);
  const epsilon = varSmoothing * (largest > 0 ? largest : 1);
  for (let c = 0; c < k; c++)
    for (let j = 0; j < cols; j++) variance[c * cols + j] = variance[c * cols + j] / counts[c] + epsilon;
  const priors = new Float64Array(k);
  for (let c = 0; c < k; c++) priors[c] = counts[c] / rows;
  return { classes, featureCount: cols, theta, variance, priors, epsilon };
}

let jllBuffer = new Float64Array(0);
let constants = new Float64Array(0);

/** Joint log-likelihood rows × classes into the module buffer (NaN in X propagates). */
function jointLogLikelihood(state: GaussianNbState, X: Matrix): Float64Array {
  checkFeatureCount('gaussian-nb', X, state.featureCount);
  const { data, rows, cols } = X;
  const { theta, variance, priors } = state;
  const k = state.classes.length;
  if (jllBuffer.length < rows * k) jllBuffer = new Float64Array(rows * k * 2);
  if (constants.length < k) constants = new Float64Array(k * 2);
  for (let c = 0; c < k; c++) {
    let value = Math.log(priors[c]);
    for (let j = 0; j < cols; j++) value -= 0.5 * Math.log(2 * Math.PI * variance[c * cols + j]);
    constants[c] = value;
  }
  let total = 0;
  for (let r = 0, b = 0; r < rows; r++, b += cols) {
    for (let c = 0; c < k; c++) {
      const o = c * cols;
      let squares = 0;
      for (let j = 0; j < cols; j++) {
        const d = data[b + j] - theta[o + j];
        squares += (d * d) / variance[o + j];
      }
      const value = constants[c] - 0.5 * squares;
      jllBuffer[r * k + c] = value;
      total += value;
    }
  }
  if (total - total !== 0) checkMatrix('gaussian-nb', X, 'reject');
  return jllBuffer;
}

function predict(state: GaussianNbState, X: Matrix, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(X.rows);
  const jll = jointLogLikelihood(state, X);
  const k = state.classes.length;
  for (let r = 0; r < X.rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (jll[r * k + c] > jll[r * k + best]) best = c;
    result[r] = state.classes[best];
  }
  return result;
}

function predictProba(state: GaussianNbState, X: Matrix, out?: Float64Array): Matrix {
  const k = state.classes.length;
  const data = out ?? new Float64Array(X.rows * k);
  const jll = jointLogLikelihood(state, X);
  for (let r = 0; r < X.rows; r++) {
    let max = jll[r * k];
    for (let c = 1; c < k; c++) max = Math.max(max, jll[r * k + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(jll[r * k + c] - max);
    const logSum = max + Math.log(sum);
    for (let c = 0; c < k; c++) data[r * k + c] = Math.exp(jll[r * k + c] - logSum);
  }
  return { data, rows: X.rows, cols: k };
}

function encode(state: GaussianNbState, writer: BinaryWriter): void {
  writer.f64Array(state.classes);
  writer.u32(state.featureCount);
  writer.weights(state.theta);
  // Exact, never quantised: a rounded variance could reach 0 and every likelihood depends on its log.
  writer.f64Array(state.variance);
  writer.f64Array(state.priors);
  writer.f64(state.epsilon);
}

function decode(reader: BinaryReader): GaussianNbState {
  const classes = reader.f64Array();
  if (classes.length === 0) throw reader.corrupt('no classes');
  for (let c = 0; c < classes.length; c++)
    if (!Number.isFinite(classes[c]) || (c > 0 && !(classes[c] > classes[c - 1])))
      throw reader.corrupt('classes are not finite and strictly ascending');
  const featureCount = reader.count(1 << 24, 'feature count');
  const theta = reader.weights();
  const variance = reader.f64Array();
  const priors = reader.f64Array();
  const epsilon = reader.finite('epsilon');
  const size = classes.length * featureCount;
  if (theta.length !== size || variance.length !== size || priors.length !== classes.length)
    throw reader.corrupt(`arrays do not fit ${classes.length} classes × ${featureCount} features`);
  for (let i = 0; i < size; i++)
    if (!Number.isFinite(theta[i]) || !(variance[i] > 0 && variance[i] < Number.POSITIVE_INFINITY))
      throw reader.corrupt('means must be finite and variances positive');
  for (let c = 0; c < priors.length; c++)
    if (!(priors[c] > 0 && priors[c] <= 1)) throw reader.corrupt('class priors must be in (0, 1]');
  return { classes, featureCount, theta, variance, priors, epsilon };
}

/** sklearn's GaussianNB: per-class feature means and (smoothed) variances, priors = frequencies. */
export const gaussianNbEstimator: Estimator<GaussianNbParams, GaussianNbState> = {
  name: 'gaussian-nb',
  stateVersion: 1,
  tasks: ['classification'],
  nanPolicy: 'reject',
  params: nbParams,
  fit,
  predict,
  predictProba,
  classes: (state) => state.classes,
  featureCount: (state) => state.featureCount,
  encode,
  decode,
};
