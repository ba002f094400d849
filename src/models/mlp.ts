import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { paramError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import { permutation, type Rng } from '../core/rng.ts';
import type { Estimator } from './estimator.ts';
import {
  activationBuffers,
  batchGradient,
  forward,
  glorotInit,
  layout,
  loadRows,
  loadTargets,
  type MlpNetwork,
  outputLoss,
  squaredWeights,
  type Workspace,
} from './mlp-network.ts';
import { checkFeatureCount, checkMatrix, checkTarget } from './validate-input.ts';

/**
 * Multi-layer perceptron (after scikit-learn's MLPRegressor / MLPClassifier): 1–2 hidden layers,
 * relu or tanh, Adam on minibatches, L2 penalty `alpha`, stopping when the loss (training, or
 * validation with `earlyStopping`) has not improved by `tol` for `nIterNoChange` epochs.
 * Differences from scikit-learn, on purpose: X and (for regression) y are standardised inside the
 * model (the scales live in the state), so a raw feature matrix trains well; early stopping watches
 * the validation loss rather than R²/accuracy, and restores the best epoch's weights.
 * A constant regression target (or a single class) is predicted exactly, without training.
 */
export interface MlpParams {
  /** Units per hidden layer, 1 or 2 layers. Default [32]. */
  hiddenLayerSizes: number[];
  /** Hidden activation. Default 'relu'. */
  activation: 'relu' | 'tanh';
  /** Adam step size. Default 0.001. */
  learningRate: number;
  /** Adam decay of the first moment. Default 0.9. */
  beta1: number;
  /** Adam decay of the second moment. Default 0.999. */
  beta2: number;
  /** Adam denominator guard. Default 1e-8. */
  epsilon: number;
  /** L2 penalty on the weights (not the biases). Default 0.0001. */
  alpha: number;
  /** Minibatch size; null = min(200, rows). Default null. */
  batchSize: number | null;
  /** Maximum epochs. Default 200. */
  maxIter: number;
  /** Minimum loss improvement that resets the patience counter. Default 0.0001. */
  tol: number;
  /** Hold out `validationFraction` of the rows and stop on their loss. Default false. */
  earlyStopping: boolean;
  /** Share of rows held out for early stopping, in (0, 1). Default 0.1. */
  validationFraction: number;
  /** Epochs without improvement before stopping. Default 10. */
  nIterNoChange: number;
  /** Shuffle the rows every epoch. Default true. */
  shuffle: boolean;
}

export interface MlpState extends MlpNetwork {
  /** Regression: y = yMean + yScale * output. */
  yMean: number;
  yScale: number;
  /** Sorted distinct labels (classification; empty for regression). */
  classes: Float64Array;
  /** Epochs trained. */
  epochs: number;
}

const DEFAULTS: MlpParams = {
  hiddenLayerSizes: [32],
  activation: 'relu',
  learningRate: 0.001,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  alpha: 0.0001,
  batchSize: null,
  maxIter: 200,
  tol: 0.0001,
  earlyStopping: false,
  validationFraction: 0.1,
  nIterNoChange: 10,
  shuffle: true,
};

const RULES: ParamRules<MlpParams> = {
  hiddenLayerSizes: { type: 'numberArray', integer: true, min: 1, minLength: 1 },
  activation: { type: 'enum', values: ['relu', 'tanh'] },
  learningRate: { type: 'number', min: 0, exclusiveMin: true },
  beta1: { type: 'number', min: 0, max: 1, exclusiveMax: true },
  beta2: { type: 'number', min: 0, max: 1, exclusiveMax: true },
  epsilon: { type: 'number', min: 0, exclusiveMin: true },
  alpha: { type: 'number', min: 0 },
  batchSize: { type: 'number', integer: true, min: 1, nullable: true },
  maxIter: { type: 'number', integer: true, min: 1, max: 1_000_000 },
  tol: { type: 'number', min: 0 },
  earlyStopping: { type: 'boolean' },
  validationFraction: { type: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  nIterNoChange: { type: 'number', integer: true, min: 1 },
  shuffle: { type: 'boolean' },
};

const MAX_UNITS = 4096;

function resolve(owner: string, given?: unknown): Readonly<MlpParams> {
  const p = resolveParams(owner, DEFAULTS, RULES, given);
  if (p.hiddenLayerSizes.length > 2 || p.hiddenLayerSizes.some((units) => units > MAX_UNITS))
    throw paramError(
      owner,
      'hiddenLayerSizes',
      p.hiddenLayerSizes,
      `1 or 2 layers of at most ${MAX_UNITS} units`,
    );
  return p;
}

function fitMlp(
  owner: string,
  classification: boolean,
  X: Matrix,
  y: Float64Array | null,
  given: unknown,
  rng: Rng,
) {
  const p = resolve(owner, given);
  checkMatrix(owner, X, 'reject');
  const target = checkTarget(owner, X, y);
  const n = X.rows;
  const cols = X.cols;
  const xMean = new Float64Array(cols);
  const xScale = new Float64Array(cols).fill(1);
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X.data[i * cols + j];
    mean /= n;
    let spread = 0;
    for (let i = 0; i < n; i++) spread += (X.data[i * cols + j] - mean) ** 2;
    spread = Math.sqrt(spread / n);
    xMean[j] = mean;
    // A constant column stays constant (0 after centring) instead of dividing by zero.
    if (spread > 1e-12 * Math.max(1, Math.abs(mean))) xScale[j] = spread;
  }
  // Targets: standardised y, or the class index of each row.
  const coded = new Float64Array(n);
  let classes = new Float64Array(0);
  let yMean = 0;
  let yScale = 1;
  let trivial: boolean;
  if (classification) {
    classes = Float64Array.from(new Set(target)).sort();
    for (let i = 0; i < n; i++) coded[i] = binarySearch(classes, target[i]);
    trivial = classes.length === 1;
  } else {
    for (let i = 0; i < n; i++) yMean += target[i];
    yMean /= n;
    let spread = 0;
    for (let i = 0; i < n; i++) spread += (target[i] - yMean) ** 2;
    spread = Math.sqrt(spread / n);
    trivial = !(spread > 1e-12 * Math.max(1, Math.abs(yMean)));
    if (!trivial) yScale = spread;
    for (let i = 0; i < n; i++) coded[i] = (target[i] - yMean) / yScale;
  }
  const outputs = classification && classes.length > 2 ? classes.length : 1;
  const layerSizes = Int32Array.from([cols, ...p.hiddenLayerSizes, outputs]);
  const offsets = layout(layerSizes);
  const state: MlpState = {
    classification,
    activation: p.activation,
    layerSizes,
    weights: new Float64Array(offsets.total),
    xMean,
    xScale,
    yMean,
    yScale,
    classes,
    epochs: 0,
  };
  // Nothing to learn: zero weights give exactly the mean (regression) or the single class.
  if (trivial) return state;
  glorotInit(state, offsets, rng);

  const order = permutation(n, rng);
  const validation =
    p.earlyStopping && n >= 2 ? Math.min(n - 1, Math.max(1, Math.round(p.validationFraction * n))) : 0;
  const trainRows = n - validation;
  const trainIndex = order.slice(0, trainRows);
  const validationIndex = order.slice(trainRows);
  const batch = Math.min(p.batchSize ?? 200, trainRows);
  const work: Workspace = {
    acts: activationBuffers(layerSizes, Math.max(batch, validation)),
    deltas: activationBuffers(layerSizes, batch),
    targets: new Float64Array(Math.max(batch, validation) * outputs),
    gradient: new Float64Array(offsets.total),
  };
  const moment1 = new Float64Array(offsets.total);
  const moment2 = new Float64Array(offsets.total);
  const best = validation > 0 ? state.weights.slice() : null;
  let bestLoss = Number.POSITIVE_INFINITY;
  let stale = 0;
  let step = 0;
  const { weights } = state;
  for (let epoch = 0; epoch < p.maxIter; epoch++) {
    if (p.shuffle) shuffleInPlace(trainIndex, rng);
    let loss = 0;
    for (let from = 0; from < trainRows; from += batch) {
      const rows = Math.min(batch, trainRows - from);
      loadRows(X, state, trainIndex, from, rows, work.acts[0]);
      loadTargets(coded, outputs, classification, trainIndex, from, rows, work.targets);
      loss += batchGradient(state, offsets, work, rows, p.alpha);
      step++;
      // Adam with scikit-learn's bias correction folded into the step size.
      const rate = (p.learningRate * Math.sqrt(1 - p.beta2 ** step)) / (1 - p.beta1 ** step);
      const g = work.gradient;
      for (let i = 0; i < weights.length; i++) {
        moment1[i] = p.beta1 * moment1[i] + (1 - p.beta1) * g[i];
        moment2[i] = p.beta2 * moment2[i] + (1 - p.beta2) * g[i] * g[i];
        weights[i] -= (rate * moment1[i]) / (Math.sqrt(moment2[i]) + p.epsilon);
      }
    }
    state.epochs = epoch + 1;
    let monitored: number;
    if (validation > 0) {
      loadRows(X, state, validationIndex, 0, validation, work.acts[0]);
      loadTargets(coded, outputs, classification, validationIndex, 0, validation, work.targets);
      forward(state, offsets, work.acts, validation);
      const last = work.acts[layerSizes.length - 1];
      monitored = outputLoss(last, work.targets, validation, outputs, classification, null) / validation;
    } else {
      monitored = loss / trainRows + (0.5 * p.alpha * squaredWeights(state, offsets)) / trainRows;
    }
    if (!Number.isFinite(monitored)) break;
    if (monitored < bestLoss - p.tol) stale = 0;
    else stale++;
    if (monitored < bestLoss) {
      bestLoss = monitored;
      best?.set(weights);
    }
    if (stale >= p.nIterNoChange) break;
  }
  if (best !== null) weights.set(best);
  return state;
}

function shuffleInPlace(values: Int32Array, rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}

function binarySearch(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Runs the network over X in blocks (bounded scratch memory); `each(output, rows, firstRow)` reads them. */
function predictBlocks(
  owner: string,
  state: MlpState,
  X: Matrix,
  each: (output: Float64Array, rows: number, first: number) => void,
): void {
  checkFeatureCount(owner, X, state.layerSizes[0]);
  checkMatrix(owner, X, 'reject');
  const offsets = layout(state.layerSizes);
  const block = Math.min(256, Math.max(1, X.rows));
  const acts = activationBuffers(state.layerSizes, block);
  for (let first = 0; first < X.rows; first += block) {
    const rows = Math.min(block, X.rows - first);
    loadRows(X, state, null, first, rows, acts[0]);
    forward(state, offsets, acts, rows);
    each(acts[acts.length - 1], rows, first);
  }
}

function probabilities(owner: string, state: MlpState, X: Matrix, out?: Float64Array): Matrix {
  const k = state.classes.length;
  const data = out ?? new Float64Array(X.rows * k);
  if (k === 1) {
    checkFeatureCount(owner, X, state.layerSizes[0]);
    checkMatrix(owner, X, 'reject');
    data.fill(1, 0, X.rows);
    return { data, rows: X.rows, cols: 1 };
  }
  predictBlocks(owner, state, X, (output, rows, first) => {
    for (let r = 0; r < rows; r++) {
      if (k === 2) {
        data[(first + r) * 2] = 1 - output[r];
        data[(first + r) * 2 + 1] = output[r];
      } else for (let j = 0; j < k; j++) data[(first + r) * k + j] = output[r * k + j];
    }
  });
  return { data, rows: X.rows, cols: k };
}

/**
 * Only the network weights go through `weights` (quantizable). The input/target standardisation
 * stays exact f64 on purpose: an f16 or 8-bit mean of 1000.3 is off by up to ~0.5, which shifts a
 * feature with scale 0.1 by five standard deviations before the first layer; it costs 16 bytes per feature.
 */
function encode(state: MlpState, writer: BinaryWriter): void {
  writer.bool(state.classification);
  writer.u8(state.activation === 'relu' ? 0 : 1);
  writer.u32(state.epochs);
  writer.i32Array(state.layerSizes);
  writer.f64Array(state.classes);
  // One array per layer's W and per layer's b: a lossy codec then scales each on its own range.
  const offsets = layout(state.layerSizes);
  for (let k = 0; k < offsets.w.length; k++) {
    const fanOut = state.layerSizes[k + 1];
    writer.weights(state.weights.subarray(offsets.w[k], offsets.b[k]));
    writer.weights(state.weights.subarray(offsets.b[k], offsets.b[k] + fanOut));
  }
  writer.f64Array(state.xMean);
  writer.f64Array(state.xScale);
  writer.f64Array(Float64Array.of(state.yMean, state.yScale));
}

function decode(owner: string, classification: boolean, reader: BinaryReader): MlpState {
  if (reader.bool() !== classification) throw reader.corrupt(`${owner}: state of the other MLP task`);
  const code = reader.u8();
  if (code > 1) throw reader.corrupt(`${owner}: activation code ${code}`);
  const epochs = reader.u32();
  const layerSizes = reader.i32Array();
  if (layerSizes.length < 3 || layerSizes.length > 4)
    throw reader.corrupt(`${owner}: ${layerSizes.length} layers`);
  for (const units of layerSizes)
    if (units < 1 || units > 1_000_000) throw reader.corrupt(`${owner}: layer of ${units} units`);
  const classes = reader.f64Array();
  const outputs = layerSizes[layerSizes.length - 1];
  if (classification) {
    for (let i = 0; i < classes.length; i++)
      if (!Number.isFinite(classes[i]) || (i > 0 && !(classes[i] > classes[i - 1])))
        throw reader.corrupt(`${owner}: classes are not finite and strictly increasing`);
    if (classes.length === 0 || outputs !== (classes.length > 2 ? classes.length : 1))
      throw reader.corrupt(`${owner}: ${outputs} outputs for ${classes.length} classes`);
  } else if (classes.length !== 0 || outputs !== 1) throw reader.corrupt(`${owner}: regression shape`);
  const offsets = layout(layerSizes);
  // Sizes are checked against the bytes each array really holds before anything big is allocated.
  const parts: Float64Array[] = [];
  let total = 0;
  for (let k = 0; k < offsets.w.length; k++) {
    for (const expected of [layerSizes[k] * layerSizes[k + 1], layerSizes[k + 1]]) {
      const part = reader.weights();
      if (part.length !== expected)
        throw reader.corrupt(`${owner}: layer ${k} has ${part.length} values, expected ${expected}`);
      parts.push(part);
      total += expected;
    }
  }
  const weights = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    weights.set(part, at);
    at += part.length;
  }
  const xMean = reader.f64Array();
  const xScale = reader.f64Array();
  const target = reader.f64Array();
  if (xMean.length !== layerSizes[0] || xScale.length !== layerSizes[0] || target.length !== 2)
    throw reader.corrupt(`${owner}: scaler sizes`);
  for (const array of [weights, xMean, xScale, target])
    for (let i = 0; i < array.length; i++)
      if (!Number.isFinite(array[i])) throw reader.corrupt(`${owner}: a learned value is not finite`);
  for (let i = 0; i < xScale.length; i++)
    if (!(xScale[i] > 0)) throw reader.corrupt(`${owner}: feature scale <= 0`);
  return {
    classification,
    activation: code === 0 ? 'relu' : 'tanh',
    layerSizes,
    weights,
    xMean,
    xScale,
    yMean: target[0],
    yScale: target[1],
    classes,
    epochs,
  };
}

const REGRESSOR = 'mlp';
export const mlpRegressor: Estimator<MlpParams, MlpState> = {
  name: REGRESSOR,
  stateVersion: 1,
  tasks: ['regression'],
  nanPolicy: 'reject',
  params: (given?: unknown) => resolve(REGRESSOR, given),
  fit: (X, y, params, rng) => fitMlp(REGRESSOR, false, X, y, params, rng),
  predict(state, X, out) {
    const target = out ?? new Float64Array(X.rows);
    predictBlocks(REGRESSOR, state, X, (output, rows, first) => {
      for (let r = 0; r < rows; r++) target[first + r] = state.yMean + state.yScale * output[r];
    });
    return target;
  },
  featureCount: (state) => state.layerSizes[0],
  encode,
  decode: (reader) => decode(REGRESSOR, false, reader),
};

const CLASSIFIER = 'mlp-classifier';
export const mlpClassifier: Estimator<MlpParams, MlpState> = {
  name: CLASSIFIER,
  stateVersion: 1,
  tasks: ['classification'],
  nanPolicy: 'reject',
  params: (given?: unknown) => resolve(CLASSIFIER, given),
  fit: (X, y, params, rng) => fitMlp(CLASSIFIER, true, X, y, params, rng),
  predict(state, X, out) {
    const target = out ?? new Float64Array(X.rows);
    const proba = probabilities(CLASSIFIER, state, X);
    const k = proba.cols;
    for (let r = 0; r < X.rows; r++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (proba.data[r * k + j] > proba.data[r * k + best]) best = j;
      target[r] = state.classes[best];
    }
    return target;
  },
  predictProba: (state, X, out) => probabilities(CLASSIFIER, state, X, out),
  classes: (state) => state.classes.slice(),
  featureCount: (state) => state.layerSizes[0],
  encode,
  decode: (reader) => decode(CLASSIFIER, true, reader),
};
