import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { paramError } from '../../core/errors.ts';
import { type Matrix, takeRows, takeValues } from '../../core/matrix.ts';
import { type ParamRules, resolveParams } from '../../core/params.ts';
import type { Rng } from '../../core/rng.ts';
import type { Estimator } from '../estimator.ts';
import { checkFeatureCount, checkMatrix, checkTarget } from '../validate-input.ts';
import { decodeFlatTrees, encodeFlatTrees, type FlatTrees, findLeaf, treeCount } from './flat-trees.ts';
import { boost, holdOut } from './hgb-boost.ts';
import { type RegressionLoss, sigmoid } from './hgb-loss.ts';
import { argmax, decodeClasses, encodeClasses, outputMatrix, outputVector } from './tree-common.ts';

export interface HgbParams {
  /** Regressor: 'squared_error' (default), 'absolute_error', 'huber'; classifier: 'log_loss'. */
  loss: RegressionLoss | 'log_loss';
  /** Shrinkage of every leaf value. Default 0.1. */
  learningRate: number;
  /** Boosting iterations (one tree per class per iteration for multiclass). Default 100. */
  maxIter: number;
  /** Leaves per tree; null = unlimited. Default 31. */
  maxLeafNodes: number | null;
  /** Depth limit (edges from the root); null = none. Default null. */
  maxDepth: number | null;
  /** Minimum rows per leaf. Default 20. */
  minSamplesLeaf: number;
  /** L2 penalty on leaf values. Default 0. */
  l2Regularization: number;
  /** Quantile bins per feature (NaN gets its own bin on top). Default 255, at most 255. */
  maxBins: number;
  /** Fraction of rows drawn (without replacement) for each iteration. Default 1 (all rows). */
  subsample: number;
  /** 'lossguide' (best gain first, sklearn) or 'depthwise' (level order). Default 'lossguide'. */
  growPolicy: 'lossguide' | 'depthwise';
  /** 'auto' = on when there are more than 10,000 rows (sklearn), or true / false. Default 'auto'. */
  earlyStopping: 'auto' | boolean;
  /** Share of rows held out for early stopping when no validation set is given. Default 0.1. */
  validationFraction: number;
  /** Stop when none of the last nIterNoChange iterations improved the validation loss by > tol. */
  nIterNoChange: number;
  /** Default 1e-7. */
  tol: number;
  /** Huber: delta = this quantile of |residuals| each iteration. Default 0.9. */
  huberQuantile: number;
}

/** Fitted boosted trees: raw score = baseline + sum of tree values (trees iteration-major). */
export interface HgbState {
  featureCount: number;
  loss: HgbParams['loss'];
  /** Sorted labels (classifier) or null. */
  classes: Float64Array | null;
  /** Raw baseline per tree column (1 for regression and binary, the class count for multiclass). */
  baseline: Float64Array;
  /** Trees per iteration: 1, or the class count for multiclass, or 0 for a single class. */
  treesPerIteration: number;
  trees: FlatTrees;
}

const LOSS_CODES = ['squared_error', 'absolute_error', 'huber', 'log_loss'] as const;

const rules = (classification: boolean): ParamRules<HgbParams> => ({
  loss: {
    type: 'enum',
    values: classification ? ['log_loss'] : ['squared_error', 'absolute_error', 'huber'],
  },
  learningRate: { type: 'number', min: 0, exclusiveMin: true },
  maxIter: { type: 'number', integer: true, min: 1 },
  maxLeafNodes: { type: 'number', integer: true, min: 2, nullable: true },
  maxDepth: { type: 'number', integer: true, min: 1, nullable: true },
  minSamplesLeaf: { type: 'number', integer: true, min: 1 },
  l2Regularization: { type: 'number', min: 0 },
  maxBins: { type: 'number', integer: true, min: 2, max: 255 },
  subsample: { type: 'number', min: 0, exclusiveMin: true, max: 1 },
  growPolicy: { type: 'enum', values: ['lossguide', 'depthwise'] },
  earlyStopping: { type: 'any' },
  validationFraction: { type: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  nIterNoChange: { type: 'number', integer: true, min: 1 },
  tol: { type: 'number', min: 0 },
  huberQuantile: { type: 'number', min: 0, exclusiveMin: true, max: 1 },
});

/** Fit with an explicit validation set (early stopping on it unless earlyStopping is false). */
export type FitWithValidation = (
  X: Matrix,
  y: Float64Array,
  Xval: Matrix,
  yval: Float64Array,
  params: unknown,
  rng: Rng,
) => HgbState;

function makeHgb(
  classification: boolean,
): Estimator<HgbParams, HgbState> & { fitWithValidation: FitWithValidation } {
  const name = classification ? 'hist-gradient-boosting-classifier' : 'hist-gradient-boosting';
  const defaults: HgbParams = {
    loss: classification ? 'log_loss' : 'squared_error',
    learningRate: 0.1,
    maxIter: 100,
    maxLeafNodes: 31,
    maxDepth: null,
    minSamplesLeaf: 20,
    l2Regularization: 0,
    maxBins: 255,
    subsample: 1,
    growPolicy: 'lossguide',
    earlyStopping: 'auto',
    validationFraction: 0.1,
    nIterNoChange: 10,
    tol: 1e-7,
    huberQuantile: 0.9,
  };
  const paramRules = rules(classification);
  const resolve = (given?: unknown): Readonly<HgbParams> => {
    const params = resolveParams(name, defaults, paramRules, given);
    const early = params.earlyStopping;
    if (early !== 'auto' && early !== true && early !== false)
      throw paramError(name, 'earlyStopping', early, "'auto', true or false");
    return params;
  };

  const fitCore = (
    X: Matrix,
    y: Float64Array | null,
    validation: { X: Matrix; y: Float64Array } | null,
    given: unknown,
    rng: Rng,
  ): HgbState => {
    const params = resolve(given);
    checkMatrix(name, X, 'native');
    const target = checkTarget(name, X, y);
    if (validation !== null) {
      checkFeatureCount(name, validation.X, X.cols);
      checkMatrix(name, validation.X, 'native');
      checkTarget(name, validation.X, validation.y);
    }
    let train = { X, y: target };
    let heldOut = validation;
    const early =
      validation !== null
        ? params.earlyStopping !== false
        : params.earlyStopping === 'auto'
          ? X.rows > 10000
          : params.earlyStopping;
    if (early && heldOut === null) {
      // Hold-out drawn from the caller's seed; stratified for classifiers (as sklearn) so every
      // validation label is also a training label.
      const split = holdOut(target, params.validationFraction, classification, rng.fork());
      if (split !== null) {
        heldOut = { X: takeRows(X, split.validation), y: takeValues(target, split.validation) };
        train = { X: takeRows(X, split.train), y: takeValues(target, split.train) };
      }
    }
    return boost(train.X, train.y, early ? heldOut : null, params, classification, rng);
  };

  const estimator: Estimator<HgbParams, HgbState> & { fitWithValidation: FitWithValidation } = {
    name,
    stateVersion: 1,
    tasks: [classification ? 'classification' : 'regression'],
    nanPolicy: 'native',
    params: resolve,
    fit: (X, y, given, rng) => fitCore(X, y, null, given, rng),
    fitWithValidation: (X, y, Xval, yval, given, rng) => fitCore(X, y, { X: Xval, y: yval }, given, rng),
    predict(state, X, out) {
      const result = outputVector(name, X.rows, out);
      if (state.classes === null) {
        rawScores(state, X, result);
        return result;
      }
      const proba = predictProbability(state, X);
      const k = state.classes.length;
      for (let r = 0; r < X.rows; r++) result[r] = state.classes[argmax(proba.data, r * k, k)];
      return result;
    },
    featureCount: (state) => state.featureCount,
    encode(state, writer: BinaryWriter) {
      writer.u32(state.featureCount);
      writer.u8(LOSS_CODES.indexOf(state.loss));
      if (classification) encodeClasses(state.classes!, writer);
      writer.weights(state.baseline);
      writer.u32(state.treesPerIteration);
      encodeFlatTrees(state.trees, writer);
    },
    decode(reader: BinaryReader): HgbState {
      const featureCount = reader.count(1 << 24, 'feature count');
      const loss = LOSS_CODES[reader.u8()];
      if (loss === undefined || (loss === 'log_loss') !== classification)
        throw reader.corrupt('unknown loss');
      const classes = classification ? decodeClasses(reader) : null;
      const baseline = reader.weights();
      const treesPerIteration = reader.u32();
      const columns =
        classes === null ? 1 : classes.length === 1 ? 0 : classes.length === 2 ? 1 : classes.length;
      if (treesPerIteration !== columns || baseline.length !== Math.max(columns, 1))
        throw reader.corrupt('tree layout does not match the classes');
      for (const b of baseline) if (!Number.isFinite(b)) throw reader.corrupt('baseline is not finite');
      const trees = decodeFlatTrees(reader, featureCount, 1);
      const count = treeCount(trees);
      if (columns === 0 ? count !== 0 : count % columns !== 0)
        throw reader.corrupt('tree count does not match');
      return { featureCount, loss, classes, baseline, treesPerIteration, trees };
    },
  };
  if (classification) {
    estimator.predictProba = (state, X, out) => predictProbability(state, X, out);
    estimator.classes = (state) => state.classes!;
  }

  function predictProbability(state: HgbState, X: Matrix, out?: Float64Array): Matrix {
    const classes = state.classes!;
    const k = classes.length;
    const result = outputMatrix(name, X.rows, k, out);
    if (k === 1) {
      checkFeatureCount(name, X, state.featureCount);
      checkMatrix(name, X, 'native');
      result.data.fill(1);
      return result;
    }
    const columns = state.treesPerIteration;
    const raw = new Float64Array(X.rows * columns);
    rawScores(state, X, raw);
    for (let r = 0; r < X.rows; r++) {
      if (k === 2) {
        const p = sigmoid(raw[r]);
        result.data[r * 2] = 1 - p;
        result.data[r * 2 + 1] = p;
        continue;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[r * k + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += result.data[r * k + c] = Math.exp(raw[r * k + c] - max);
      for (let c = 0; c < k; c++) result.data[r * k + c] /= sum;
    }
    return result;
  }

  /** Raw scores, row-major (rows × treesPerIteration). */
  function rawScores(state: HgbState, X: Matrix, out: Float64Array): void {
    checkFeatureCount(name, X, state.featureCount);
    checkMatrix(name, X, 'native');
    const columns = state.treesPerIteration;
    const { trees, baseline } = state;
    const total = treeCount(trees);
    for (let r = 0; r < X.rows; r++) {
      const offset = r * X.cols;
      for (let c = 0; c < columns; c++) {
        let sum = baseline[c];
        for (let t = c; t < total; t += columns)
          sum += trees.value[findLeaf(trees, trees.roots[t], X.data, offset)];
        out[r * columns + c] = sum;
      }
      if (columns === 0) out[r] = 0;
    }
  }

  return estimator;
}

/** Histogram gradient boosting regressor (sklearn HistGradientBoostingRegressor). */
export const hgbRegressor = makeHgb(false);
/** Histogram gradient boosting classifier: binary log-loss or multiclass softmax. */
export const hgbClassifier = makeHgb(true);
