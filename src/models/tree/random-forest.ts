import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { paramError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { type ParamRules, resolveParams } from '../../core/params.ts';
import type { Rng } from '../../core/rng.ts';
import type { Estimator } from '../estimator.ts';
import { checkFeatureCount, checkMatrix, checkTarget } from '../validate-input.ts';
import { buildCart, type CartCriterion, type CartTree, cartImportances } from './cart-builder.ts';
import { decodeFlatTrees, encodeFlatTrees, type FlatTrees, findLeaf, treeCount } from './flat-trees.ts';
import { presort } from './presort.ts';
import {
  argmax,
  checkMaxFeatures,
  decodeClasses,
  encodeClasses,
  encodeLabels,
  type MaxFeatures,
  outputMatrix,
  outputVector,
  resolveMaxFeatures,
} from './tree-common.ts';

export interface RandomForestParams {
  /** Trees in the forest. Default 100. */
  nEstimators: number;
  /** 'squared_error' (regressor); 'gini' (classifier default) or 'entropy'. */
  criterion: CartCriterion;
  /** Default null (unlimited). */
  maxDepth: number | null;
  /** Default 2. */
  minSamplesSplit: number;
  /** Default 1. */
  minSamplesLeaf: number;
  /** Features drawn per split: regressor default 1 (all, as sklearn), classifier 'sqrt'. */
  maxFeatures: MaxFeatures;
  /** Fit each tree on a bootstrap sample (with replacement). Default true. */
  bootstrap: boolean;
  /** Bootstrap sample size: null = rows, a fraction in (0, 1], or an integer count >= 2. */
  maxSamples: number | null;
}

/**
 * Fitted forest: trees concatenated in flat arrays. Leaf values are means (regression) or class
 * probabilities (classification), so prediction averages leaf values directly.
 */
export interface RandomForestState {
  featureCount: number;
  classes: Float64Array | null;
  trees: FlatTrees;
  importances: Float64Array;
}

const rules = (classification: boolean): ParamRules<RandomForestParams> => ({
  nEstimators: { type: 'number', integer: true, min: 1 },
  criterion: { type: 'enum', values: classification ? ['gini', 'entropy'] : ['squared_error'] },
  maxDepth: { type: 'number', integer: true, min: 1, nullable: true },
  minSamplesSplit: { type: 'number', integer: true, min: 2 },
  minSamplesLeaf: { type: 'number', integer: true, min: 1 },
  maxFeatures: { type: 'any' },
  bootstrap: { type: 'boolean' },
  maxSamples: { type: 'number', min: 0, exclusiveMin: true, nullable: true },
});

function makeRandomForest(classification: boolean): Estimator<RandomForestParams, RandomForestState> {
  const name = classification ? 'random-forest-classifier' : 'random-forest';
  const defaults: RandomForestParams = {
    nEstimators: 100,
    criterion: classification ? 'gini' : 'squared_error',
    maxDepth: null,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures: classification ? 'sqrt' : 1,
    bootstrap: true,
    maxSamples: null,
  };
  const paramRules = rules(classification);
  const resolve = (given?: unknown): Readonly<RandomForestParams> => {
    const params = resolveParams(name, defaults, paramRules, given);
    checkMaxFeatures(name, params.maxFeatures);
    const m = params.maxSamples;
    if (m !== null && m > 1 && !Number.isInteger(m))
      throw paramError(name, 'maxSamples', m, 'null, a fraction in (0, 1] or an integer >= 2');
    return params;
  };

  const estimator: Estimator<RandomForestParams, RandomForestState> = {
    name,
    stateVersion: 1,
    tasks: [classification ? 'classification' : 'regression'],
    nanPolicy: 'native',
    params: resolve,
    fit(X: Matrix, y: Float64Array | null, given: unknown, rng: Rng): RandomForestState {
      const params = resolve(given);
      checkMatrix(name, X, 'native');
      const target = checkTarget(name, X, y);
      let classes: Float64Array | null = null;
      let codes = target;
      if (classification) ({ classes, codes } = encodeLabels(target));
      const k = classes?.length ?? 0;
      const data = presort(X);
      const n = X.rows;
      const m = params.maxSamples;
      const draws = m === null ? n : m <= 1 ? Math.max(1, Math.round(m * n)) : Math.min(m, n);
      const weights = new Float64Array(n);
      const options = {
        criterion: params.criterion,
        maxDepth: params.maxDepth ?? Number.POSITIVE_INFINITY,
        minSamplesSplit: params.minSamplesSplit,
        minSamplesLeaf: params.minSamplesLeaf,
        maxFeatures: resolveMaxFeatures(params.maxFeatures, X.cols),
        rng: null as Rng | null,
      };
      const built: CartTree[] = [];
      const importances = new Float64Array(X.cols);
      const treeImportances = new Float64Array(X.cols);
      for (let t = 0; t < params.nEstimators; t++) {
        const treeRng = rng.fork();
        options.rng = treeRng;
        if (params.bootstrap) {
          weights.fill(0);
          for (let d = 0; d < draws; d++) weights[treeRng.int(n)] += 1;
        }
        const tree = buildCart(data, codes, k, params.bootstrap ? weights : null, options);
        cartImportances(tree, X.cols, treeImportances);
        for (let f = 0; f < X.cols; f++) importances[f] += treeImportances[f] / params.nEstimators;
        built.push(tree);
      }
      let total = 0;
      for (const v of importances) total += v;
      if (total > 0) for (let f = 0; f < X.cols; f++) importances[f] /= total;
      return { featureCount: X.cols, classes, trees: concatenate(built, classification), importances };
    },
    predict(state, X, out) {
      const result = outputVector(name, X.rows, out);
      if (state.classes === null) {
        checkFeatureCount(name, X, state.featureCount);
        checkMatrix(name, X, 'native');
        const { trees } = state;
        const count = treeCount(trees);
        for (let r = 0; r < X.rows; r++) {
          let sum = 0;
          for (let t = 0; t < count; t++)
            sum += trees.value[findLeaf(trees, trees.roots[t], X.data, r * X.cols)];
          result[r] = sum / count;
        }
        return result;
      }
      const proba = probabilities(state, X);
      const k = state.classes.length;
      for (let r = 0; r < X.rows; r++) result[r] = state.classes[argmax(proba.data, r * k, k)];
      return result;
    },
    featureCount: (state) => state.featureCount,
    encode(state, writer: BinaryWriter) {
      writer.u32(state.featureCount);
      if (classification) encodeClasses(state.classes!, writer);
      encodeFlatTrees(state.trees, writer);
      writer.weights(state.importances);
    },
    decode(reader: BinaryReader): RandomForestState {
      const featureCount = reader.count(1 << 24, 'feature count');
      const classes = classification ? decodeClasses(reader) : null;
      const trees = decodeFlatTrees(reader, featureCount, classes?.length ?? 1);
      if (treeCount(trees) < 1) throw reader.corrupt('a forest needs at least one tree');
      const importances = reader.weights();
      if (importances.length !== featureCount) throw reader.corrupt('importances length');
      return { featureCount, classes, trees, importances };
    },
  };

  function probabilities(state: RandomForestState, X: Matrix, out?: Float64Array): Matrix {
    checkFeatureCount(name, X, state.featureCount);
    checkMatrix(name, X, 'native');
    const { trees } = state;
    const k = trees.outputs;
    const count = treeCount(trees);
    const result = outputMatrix(name, X.rows, k, out);
    const data = result.data;
    data.fill(0);
    for (let r = 0; r < X.rows; r++) {
      for (let t = 0; t < count; t++) {
        const leaf = findLeaf(trees, trees.roots[t], X.data, r * X.cols);
        for (let c = 0; c < k; c++) data[r * k + c] += trees.value[leaf * k + c];
      }
      for (let c = 0; c < k; c++) data[r * k + c] /= count;
    }
    return result;
  }

  if (classification) {
    estimator.predictProba = (state, X, out) => probabilities(state, X, out);
    estimator.classes = (state) => state.classes!;
  }
  return estimator;
}

/** Concatenates trees (children shifted to absolute indices); class counts become probabilities. */
function concatenate(trees: CartTree[], classification: boolean): FlatTrees {
  const outputs = trees[0].outputs;
  let nodes = 0;
  for (const tree of trees) nodes += tree.nodeCount;
  const roots = new Int32Array(trees.length + 1);
  const feature = new Int32Array(nodes);
  const threshold = new Float64Array(nodes);
  const left = new Int32Array(nodes);
  const right = new Int32Array(nodes);
  const missingLeft = new Uint8Array(nodes);
  const value = new Float64Array(nodes * outputs);
  let offset = 0;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t];
    roots[t] = offset;
    feature.set(tree.feature, offset);
    threshold.set(tree.threshold, offset);
    missingLeft.set(tree.missingLeft, offset);
    value.set(tree.value, offset * outputs);
    for (let i = 0; i < tree.nodeCount; i++) {
      left[offset + i] = tree.left[i] < 0 ? tree.left[i] : tree.left[i] + offset;
      right[offset + i] = tree.right[i] < 0 ? tree.right[i] : tree.right[i] + offset;
      if (classification) {
        const at = (offset + i) * outputs;
        let total = 0;
        for (let c = 0; c < outputs; c++) total += value[at + c];
        for (let c = 0; c < outputs; c++) value[at + c] /= total;
      }
    }
    offset += tree.nodeCount;
  }
  roots[trees.length] = offset;
  return { outputs, roots, feature, threshold, left, right, missingLeft, value };
}

/** Random forest regressor (sklearn RandomForestRegressor: bootstrap, all features per split). */
export const randomForestRegressor = makeRandomForest(false);
/** Random forest classifier (sklearn RandomForestClassifier: bootstrap, sqrt features per split). */
export const randomForestClassifier = makeRandomForest(true);
