import { AimassError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { permutation, type Rng } from '../../core/rng.ts';
import type { HgbParams, HgbState } from './hgb.ts';
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
} from './hgb-loss.ts';
import { SORTED_MODE_MAX_ROWS, sortRowsByBin } from './hgb-sorted.ts';
import { encodeLabels } from './tree-common.ts';

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

/** The boosting loop over binned data; `validation` non-null means early stopping on it. */
export function boost(
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
export function holdOut(
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
