import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import type { Matrix } from '../core/matrix.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import type { Estimator } from './estimator.ts';
import { checkFeatureCount, checkMatrix, checkTarget } from './validate-input.ts';

/**
 * The trivial baselines every entity's search includes, so a chosen model is provably better than
 * doing nothing: the training mean (regression) and the majority class with the training class
 * frequencies as probabilities (classification). X is only checked for shape and ±Infinity; NaN
 * is accepted because the prediction never reads X.
 */
// biome-ignore lint/complexity/noBannedTypes: baselines have no params.
type NoParams = {};
const NO_RULES: ParamRules<NoParams> = {};

export interface MeanState {
  readonly features: number;
  readonly mean: number;
}

export interface MajorityState {
  readonly features: number;
  /** Sorted distinct labels. */
  readonly classes: Float64Array;
  /** Training frequency of each class (sums to 1). */
  readonly priors: Float64Array;
}

function output(rows: number, out?: Float64Array): Float64Array {
  return out ?? new Float64Array(rows);
}

export const meanBaseline: Estimator<NoParams, MeanState> = {
  name: 'baseline-mean',
  stateVersion: 1,
  tasks: ['regression'],
  nanPolicy: 'native',
  params: (given) => resolveParams('baseline-mean', {}, NO_RULES, given),
  fit(X, y, params) {
    resolveParams('baseline-mean', {}, NO_RULES, params);
    checkMatrix('baseline-mean', X, 'native');
    const target = checkTarget('baseline-mean', X, y);
    let sum = 0;
    for (let i = 0; i < target.length; i++) sum += target[i];
    return { features: X.cols, mean: sum / target.length };
  },
  predict(state, X, out) {
    checkFeatureCount('baseline-mean', X, state.features);
    return output(X.rows, out).fill(state.mean);
  },
  featureCount: (state) => state.features,
  encode(state, writer: BinaryWriter) {
    writer.u32(state.features);
    writer.f64(state.mean);
  },
  decode(reader: BinaryReader) {
    return { features: reader.u32(), mean: reader.finite('mean') };
  },
};

export const majorityBaseline: Estimator<NoParams, MajorityState> = {
  name: 'baseline-majority',
  stateVersion: 1,
  tasks: ['classification'],
  nanPolicy: 'native',
  params: (given) => resolveParams('baseline-majority', {}, NO_RULES, given),
  fit(X, y, params) {
    resolveParams('baseline-majority', {}, NO_RULES, params);
    checkMatrix('baseline-majority', X, 'native');
    const target = checkTarget('baseline-majority', X, y);
    const classes = Float64Array.from(new Set(target)).sort();
    const priors = new Float64Array(classes.length);
    // Count, then divide once: summing 1/n n times gives 0.9999999999999999, not 1.
    for (let i = 0; i < target.length; i++) priors[classes.indexOf(target[i])] += 1;
    for (let k = 0; k < priors.length; k++) priors[k] /= target.length;
    return { features: X.cols, classes, priors };
  },
  predict(state, X, out) {
    checkFeatureCount('baseline-majority', X, state.features);
    let best = 0;
    for (let k = 1; k < state.priors.length; k++) if (state.priors[k] > state.priors[best]) best = k;
    return output(X.rows, out).fill(state.classes[best]);
  },
  predictProba(state, X, out): Matrix {
    checkFeatureCount('baseline-majority', X, state.features);
    const k = state.classes.length;
    const data = out ?? new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) data.set(state.priors, i * k);
    return { data, rows: X.rows, cols: k };
  },
  classes: (state) => state.classes,
  featureCount: (state) => state.features,
  encode(state, writer: BinaryWriter) {
    writer.u32(state.features);
    writer.f64Array(state.classes);
    writer.f64Array(state.priors);
  },
  decode(reader: BinaryReader) {
    const features = reader.u32();
    const classes = reader.f64Array();
    const priors = reader.f64Array();
    if (classes.length === 0 || priors.length !== classes.length) throw reader.corrupt('class table');
    for (let k = 0; k < classes.length; k++) {
      if (!Number.isFinite(classes[k]) || (k > 0 && classes[k] <= classes[k - 1]))
        throw reader.corrupt('classes not sorted');
      if (!(priors[k] >= 0 && priors[k] <= 1)) throw reader.corrupt('prior out of range');
    }
    return { features, classes, priors };
  },
};
