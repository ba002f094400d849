import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { AimassError, paramError } from '../../core/errors.ts';
import { type Matrix, takeRows, takeValues } from '../../core/matrix.ts';
import { type ParamRules, resolveParams } from '../../core/params.ts';
import { permutation, type Rng } from '../../core/rng.ts';
import type { Estimator } from '../estimator.ts';
import { checkFeatureCount, checkMatrix, checkTarget } from '../validate-input.ts';
import { decodeFlatTrees, encodeFlatTrees, type FlatTrees, findLeaf, treeCount } from './flat-trees.ts';
import { binColumns, binCount, fitBinEdges } from './hgb-binning.ts';
import { BinnedForest } from './hgb-forest.ts';
import { type GrowerData, grown, growTree } from './hgb-grower.ts';
import {
  classificationBaseline,
  classificationGradients,
  classificationLoss,
  lowerMedian,
  type RegressionLoss,
  regressionBaseline,
  regressionGradients,
  regressionLoss,
  sigmoid,
} from './hgb-loss.ts';
import { SORTED_MODE_MAX_ROWS, sortRowsByBin } from './hgb-sorted.ts';
import {
  argmax,
  decodeClasses,
  encodeClasses,
  encodeLabels,
  outputMatrix,
  outputVector,
} from './tree-common.ts';

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

// Buffers reused across fits.
const forest = new BinnedForest();
let binnedPool = new Uint8Array(0);
let binnedValPool = new Uint8Array(0);
let samplesPool = new Int32Array(0);
let sortedPool = new Int32Array(0);
let sortedModeMaxRows = SORTED_MODE_MAX_ROWS;

/** Test hook: the row count up to which fits use the sorted mode (both modes grow the same trees). */
export function setSortedModeMaxRows(rows: number): void {
  sortedModeMaxRows = rows;
}

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

/** The boosting loop over binned data; `validation` non-null means early stopping on it. */
function boost(
  X: Matrix,
  y: Float64Array,
  validation: { X: Matrix; y: Float64Array } | null,
  params: Readonly<HgbParams>,
  classification: boolean,
  rng: Rng,
): HgbState {
  const n = X.rows;
  const edges = fitBinEdges(X, params.maxBins);
  if (binnedPool.length < n * X.cols) binnedPool = new Uint8Array(n * X.cols);
  const binned = binColumns(X, edges, binnedPool);
  const binCounts = new Int32Array(X.cols);
  for (let f = 0; f < X.cols; f++) binCounts[f] = binCount(edges, f);

  let classes: Float64Array | null = null;
  let codes: Int32Array = new Int32Array(0);
  let columns = 1;
  let baseline: Float64Array;
  const loss = params.loss;
  if (classification) {
    const encoded = encodeLabels(y);
    classes = encoded.classes;
    codes = Int32Array.from(encoded.codes);
    columns = classes.length === 1 ? 0 : classes.length === 2 ? 1 : classes.length;
    baseline = columns === 0 ? new Float64Array(1) : classificationBaseline(codes, classes.length);
  } else baseline = Float64Array.of(regressionBaseline(loss as RegressionLoss, y));
  forest.reset();
  if (columns === 0)
    return {
      featureCount: X.cols,
      loss,
      classes,
      baseline,
      treesPerIteration: 0,
      trees: forest.toFlat(edges),
    };

  const raw = new Float64Array(n * columns);
  for (let c = 0; c < columns; c++) raw.fill(baseline[c], c * n, (c + 1) * n);
  const gradients = new Float64Array(n * columns);
  const hessians = new Float64Array(n * columns);
  const residuals = new Float64Array(n);
  if (samplesPool.length < n) samplesPool = new Int32Array(n);
  const samples = samplesPool;

  let valBinned: Uint8Array | null = null;
  let valRaw: Float64Array | null = null;
  let valCodes: Int32Array = new Int32Array(0);
  const nVal = validation?.X.rows ?? 0;
  if (validation !== null) {
    if (binnedValPool.length < nVal * X.cols) binnedValPool = new Uint8Array(nVal * X.cols);
    valBinned = binColumns(validation.X, edges, binnedValPool);
    valRaw = new Float64Array(nVal * columns);
    for (let c = 0; c < columns; c++) valRaw.fill(baseline[c], c * nVal, (c + 1) * nVal);
    if (classes !== null) valCodes = mapLabels(classes, validation.y);
  }
  const scores: number[] = [];
  const validationLoss = (delta: number): number =>
    classification
      ? classificationLoss(valCodes, valRaw!, columns)
      : regressionLoss(loss as RegressionLoss, validation!.y, valRaw!, delta);

  const data: GrowerData = {
    binned,
    rows: n,
    cols: X.cols,
    binCounts,
    gradients,
    hessians,
    constantHessian: classification ? 0 : 1,
    sortedByBin: null,
  };
  if (n <= sortedModeMaxRows) {
    if (sortedPool.length < n * X.cols) sortedPool = new Int32Array(n * X.cols);
    data.sortedByBin = sortRowsByBin(binned, n, X.cols, sortedPool);
  }
  const options = {
    maxLeafNodes: params.maxLeafNodes ?? Number.POSITIVE_INFINITY,
    maxDepth: params.maxDepth ?? Number.POSITIVE_INFINITY,
    minSamplesLeaf: params.minSamplesLeaf,
    l2Regularization: params.l2Regularization,
    learningRate: params.learningRate,
    depthwise: params.growPolicy === 'depthwise',
  };
  const sampleCount = params.subsample < 1 ? Math.max(1, Math.floor(params.subsample * n)) : n;
  const subsampleRng = sampleCount < n ? rng.fork() : null;
  let delta = 0;
  if (validation !== null) scores.push(validationLoss(delta));
  for (let iteration = 0; iteration < params.maxIter; iteration++) {
    if (classification) classificationGradients(codes, raw, columns, gradients, hessians);
    else
      delta = regressionGradients(loss as RegressionLoss, y, raw, gradients, params.huberQuantile, residuals);
    if (subsampleRng !== null) drawSubsample(samples, n, sampleCount, subsampleRng);
    for (let c = 0; c < columns; c++) {
      if (subsampleRng === null) for (let i = 0; i < n; i++) samples[i] = i;
      else if (c > 0) samples.subarray(0, sampleCount).sort(); // same row order for every class's tree
      data.gradients = gradients.subarray(c * n, (c + 1) * n);
      data.hessians = hessians.subarray(c * n, (c + 1) * n);
      growTree(data, samples, sampleCount, options);
      if (loss === 'absolute_error') medianLeaves(y, raw, samples, residuals, params.learningRate);
      const root = forest.appendGrown();
      if (subsampleRng === null) {
        // Every row sits in exactly one leaf segment of `samples`.
        for (let node = 0; node < grown.nodeCount; node++) {
          if (grown.left[node] >= 0) continue;
          const v = grown.value[node];
          for (let k = grown.start[node]; k < grown.end[node]; k++) raw[c * n + samples[k]] += v;
        }
      } else forest.addBinnedPrediction(root, binned, n, raw, c * n);
      if (valBinned !== null) forest.addBinnedPrediction(root, valBinned, nVal, valRaw!, c * nVal);
    }
    if (validation !== null) {
      scores.push(validationLoss(delta));
      if (shouldStop(scores, params.nIterNoChange, params.tol)) break;
    }
  }
  return {
    featureCount: X.cols,
    loss,
    classes,
    baseline,
    treesPerIteration: columns,
    trees: forest.toFlat(edges),
  };
}

/**
 * Rows for training and validation (each sorted). Classifiers split every class separately and keep
 * at least one row of each class in training. Null when either side would be empty.
 */
function holdOut(
  y: Float64Array,
  fraction: number,
  stratify: boolean,
  rng: Rng,
): { train: Int32Array; validation: Int32Array } | null {
  const n = y.length;
  const order = permutation(n, rng);
  const isValidation = new Uint8Array(n);
  let count = 0;
  if (!stratify) {
    count = Math.ceil(fraction * n);
    for (let k = 0; k < count && k < n; k++) isValidation[order[k]] = 1;
  } else {
    const { classes, codes } = encodeLabels(y);
    const total = new Int32Array(classes.length);
    for (let i = 0; i < n; i++) total[codes[i]]++;
    const taken = new Int32Array(classes.length);
    for (let k = 0; k < n; k++) {
      const i = order[k];
      const c = codes[i];
      if (taken[c] < Math.min(Math.ceil(fraction * total[c]), total[c] - 1)) {
        taken[c]++;
        isValidation[i] = 1;
        count++;
      }
    }
  }
  if (count < 1 || count >= n) return null;
  const train = new Int32Array(n - count);
  const validation = new Int32Array(count);
  for (let i = 0, t = 0, v = 0; i < n; i++) {
    if (isValidation[i] === 1) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}

/** Absolute error: each leaf's value becomes the lower median of its residuals (sklearn). */
function medianLeaves(
  y: Float64Array,
  raw: Float64Array,
  samples: Int32Array,
  scratch: Float64Array,
  rate: number,
): void {
  for (let node = 0; node < grown.nodeCount; node++) {
    if (grown.left[node] >= 0) continue;
    const s = grown.start[node];
    const count = grown.end[node] - s;
    for (let k = 0; k < count; k++) scratch[k] = y[samples[s + k]] - raw[samples[s + k]];
    grown.value[node] = rate * lowerMedian(scratch, count);
  }
}

/** sklearn's _should_stop on losses: stop unless one of the last n improved on the reference by > tol. */
function shouldStop(losses: number[], n: number, tol: number): boolean {
  if (losses.length < n + 1) return false;
  const reference = losses[losses.length - n - 1] - tol;
  for (let i = losses.length - n; i < losses.length; i++) if (losses[i] < reference) return false;
  return true;
}

function drawSubsample(samples: Int32Array, n: number, count: number, rng: Rng): void {
  for (let i = 0; i < n; i++) samples[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    const t = samples[i];
    samples[i] = samples[j];
    samples[j] = t;
  }
  samples.subarray(0, count).sort();
}

/** Validation labels as class codes; a label never seen in training cannot be scored. */
function mapLabels(classes: Float64Array, y: Float64Array): Int32Array {
  const codes = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    codes[i] = classes.indexOf(y[i]);
    if (codes[i] < 0)
      throw new AimassError('DATA_INVALID', `validation label ${y[i]} is not among the training classes`, {
        field: 'yval',
        row: i,
        value: y[i],
      });
  }
  return codes;
}

/** Histogram gradient boosting regressor (sklearn HistGradientBoostingRegressor). */
export const hgbRegressor = makeHgb(false);
/** Histogram gradient boosting classifier: binary log-loss or multiclass softmax. */
export const hgbClassifier = makeHgb(true);
